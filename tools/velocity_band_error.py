#!/usr/bin/python3
"""tools/velocity_band_error.py — how far the digital acceleration-to-velocity filter reads from
the analog band it stands for, by sampling rate.

vibration_integrator (include/nerve/filter/vibration_integrator.hpp) is HP2 LP2 / s, its
Butterworth corners through the bilinear transform, prewarped, so they land exactly. The bilinear
image of the 1/s reads a line at f low by x / tan x, x = pi f / fs, which grows fast as the band's
top nears fs / 2; so the 1/s is Al-Alaoui's integrator (the last column). For
each rate this prints the largest in-band deviation (10 Hz to min(1000 Hz, 0.45 fs)) of |H| from
the analog |HP2 LP2 / (j 2 pi f)|, for

  bilinear   the 1/s through the bilinear transform too (the filter before stop 36's change);
  +3-tap     the same followed by the symmetric FIR [-1/12, 7/6, -1/12] (the Taylor fit of
             tan x / x, one sample of delay);
  Al-Alaoui  the integrator T (7 + z^-1) / (8 (1 - z^-1)) in place of the bilinear
             T (1 + z^-1) / (2 (1 - z^-1)): one zero moved from -1 to -1/7 (the filter as built
             now: velocity_from_acceleration, tools/gen_golden_velocity.py).

Usage: /usr/bin/python3 tools/velocity_band_error.py [--rates 2560,5000,...]
"""
import argparse

import numpy as np
from scipy import signal


def response(b, a, w):
    zi = np.exp(-1j * w)
    return np.polyval(np.asarray(b)[::-1], zi) / np.polyval(np.asarray(a)[::-1], zi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="2560,3200,5000,6400,10000,12000,25600,51200")
    ap.add_argument("--lo", type=float, default=10.0)
    ap.add_argument("--hi", type=float, default=1000.0)
    args = ap.parse_args()
    print(f"{'fs Hz':>8} {'band Hz':>12} {'bilinear':>9} {'+3-tap':>8} {'Al-Alaoui':>9}   (largest |H| / analog - 1 in the band)")
    for fs in (float(r) for r in args.rates.split(",")):
        hi = min(args.hi, 0.45 * fs)
        f = np.linspace(args.lo, hi, 2000)
        w = 2 * np.pi * f / fs
        t = 1.0 / fs
        bh, ah = signal.butter(2, args.lo, "highpass", fs=fs)
        bl, al = signal.butter(2, hi, "lowpass", fs=fs)
        corners = response(bh, ah, w) * response(bl, al, w)
        analog = 1 / np.sqrt(1 + (args.lo / f) ** 4) / np.sqrt(1 + (f / hi) ** 4) / (2 * np.pi * f)
        zi = np.exp(-1j * w)
        bilinear = corners * (t / 2) * (1 + zi) / (1 - zi)
        three_tap = bilinear * (7 / 6 - np.cos(w) / 6)
        al_alaoui = corners * (t / 8) * (7 + zi) / (1 - zi)
        worst = [np.max(np.abs(np.abs(h) / analog - 1)) * 100 for h in (bilinear, three_tap, al_alaoui)]
        print(f"{fs:8.0f} {f'{args.lo:g}-{hi:g}':>12} {worst[0]:8.2f}% {worst[1]:7.2f}% {worst[2]:8.2f}%")


if __name__ == "__main__":
    main()
