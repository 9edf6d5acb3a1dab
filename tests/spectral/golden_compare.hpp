// tests/spectral/golden_compare.hpp — error measures shared by the spectral golden tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>

#include "nerve/spectral/spectrum.hpp"

namespace nerve::test {

/// Norm-wise relative error max_k |a_k - ref_k| / max_k |ref_k| (the usual FFT accuracy measure:
/// rounding errors scale with the largest component, not with each bin).
template <class A>
double normwise_error(std::span<const A> a, const double* ref, std::size_t n) {
    double peak = 0.0, err = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        peak = std::fmax(peak, std::fabs(ref[i]));
        err = std::fmax(err, std::fabs(static_cast<double>(a[i]) - ref[i]));
    }
    return peak > 0.0 ? err / peak : err;
}

/// Largest per-element relative error max_k |a_k - ref_k| / |ref_k| over elements with |ref_k| > floor.
template <class A>
double elementwise_error(std::span<const A> a, const double* ref, std::size_t n, double floor = 0.0) {
    double err = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::fabs(ref[i]) <= floor) continue;
        err = std::fmax(err, std::fabs(static_cast<double>(a[i]) - ref[i]) / std::fabs(ref[i]));
    }
    return err;
}

inline double rel_error(double a, double ref) {
    return ref == 0.0 ? std::fabs(a) : std::fabs(a - ref) / std::fabs(ref);
}

/// Two spectra with the same values to the bit and the same description (the complex bins aside):
/// for operators that must compute what another one does (periodogram and rfft).
template <class T>
bool same_spectrum(const spectral::spectrum_view<T>& a, const spectral::spectrum_view<T>& b) {
    if (a.size() != b.size() || a.kind != b.kind || a.bin_hz != b.bin_hz || a.enbw_bins != b.enbw_bins ||
        a.window_sum != b.window_sum || a.fft_size != b.fft_size || a.index != b.index)
        return false;
    for (std::size_t k = 0; k < a.size(); ++k)
        if (a.values[k] != b.values[k]) return false;
    return true;
}

}  // namespace nerve::test
