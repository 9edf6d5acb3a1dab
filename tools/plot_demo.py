#!/usr/bin/env python3
"""Plots for `nerve demo`: one PNG per pipeline from the CSV the demo wrote.

    plot_demo.py KIND CSV PNG TITLE

KIND: maintenance (columns t_s, then series; *_flag columns are drawn as markers),
metering (t, actual, forecast, anomaly flag ...), or generic (every column against the first,
one panel each). Needs matplotlib (Debian: python3-matplotlib); exits with status 3 and a
one-line message when it is missing, so the demo can skip plotting cleanly.
"""
import csv
import sys


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    kind, src, png, title = sys.argv[1:]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (Debian: python3-matplotlib)", file=sys.stderr)
        return 3
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    if len(rows) < 2:
        print(f"{src}: no data", file=sys.stderr)
        return 1
    head, data = rows[0], rows[1:]

    def col(i):
        out = []
        for r in data:
            try:
                out.append(float(r[i]))
            except (ValueError, IndexError):
                out.append(float("nan"))
        return out

    x = col(0)
    series = [i for i in range(1, len(head)) if not head[i].endswith("_flag")]
    flags = [i for i in range(1, len(head)) if head[i].endswith("_flag")]
    if kind == "metering":
        # One panel: the readings, the forecast and the flagged points; one panel per other series.
        main_cols = [i for i in series if head[i] in ("reading", "forecast")]
        rest = [i for i in series if i not in main_cols]
        fig, axes = plt.subplots(1 + len(rest), 1, figsize=(11, 2.6 * (1 + len(rest))), sharex=True, squeeze=False)
        ax = axes[0][0]
        for i in main_cols:
            ax.plot(x, col(i), lw=0.8, label=head[i])
        styles = [("red", "o", 10), ("black", "v", 40), ("purple", "s", 14)]
        ys = col(main_cols[0]) if main_cols else [0.0] * len(x)
        for k, i in enumerate(flags):
            pts = [(a, b) for a, b, f in zip(x, ys, col(i)) if f == f and f > 0 and b == b]
            if pts:
                c, m, sz = styles[k % len(styles)]
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=sz, color=c, marker=m, zorder=3,
                           label=head[i][:-5])
        finite = sorted(v for v in ys if v == v)
        if finite:
            top = finite[min(len(finite) - 1, int(0.995 * len(finite)))]
            ax.set_ylim(min(0.0, finite[0]), 1.3 * top if top > 0 else None)  # a spike would flatten the rest
        ax.legend(loc="upper right", fontsize=8)
        for k, i in enumerate(rest):
            axes[k + 1][0].plot(x, col(i), lw=0.8)
            axes[k + 1][0].set_ylabel(head[i], fontsize=8)
    else:
        fig, axes = plt.subplots(len(series), 1, figsize=(11, 2.2 * max(1, len(series))), sharex=True, squeeze=False)
        for k, i in enumerate(series):
            ax = axes[k][0]
            ax.plot(x, col(i), lw=0.8)
            ax.set_ylabel(head[i], fontsize=8)
            for j in flags:
                pts = [(a, b) for a, b, f in zip(x, col(i), col(j)) if f == f and f > 0]
                if pts and k == 0:
                    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=12, color="red", zorder=3, label=head[j][:-5])
                    ax.legend(loc="upper right", fontsize=8)
    axes[-1][0].set_xlabel(head[0])
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    return 0


if __name__ == "__main__":
    sys.exit(main())
