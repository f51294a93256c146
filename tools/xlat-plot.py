#!/usr/bin/env python3
"""Draws the translation-overhead experiment (tools/xlat-experiment.sh).

    tools/xlat-plot.py FIGURES.csv PLOT.png

One column per access pattern, against the working-set size (log scale), a line per
translation mode: cycles per access, the data-TLB miss rate, and the share of cycles
spent walking page tables. Modes that cost the same draw on top of each other, so each
has its own marker and line style."""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source, target):
    series = defaultdict(lambda: defaultdict(list))
    for row in csv.DictReader(open(source)):
        s = series[row["pattern"]][row["mode"]]
        accesses = int(row["dtlb_accesses"])
        miss = 100 * int(row["dtlb_misses"]) / accesses if accesses else 0.0
        s.append((int(row["size"]), float(row["cycles_per_access"]), miss, 100 * float(row["walk_share"])))
    patterns = list(series)
    styles = ["o-", "s--", "^-", "v:", "x-."]
    labels = ["cycles per access", "data-TLB misses, % of accesses", "page-walk cycles, % of all"]
    fig, axes = plt.subplots(3, len(patterns), figsize=(5 * len(patterns), 10), squeeze=False, sharex=True)
    for col, pattern in enumerate(patterns):
        for i, (mode, points) in enumerate(series[pattern].items()):
            points.sort()
            sizes = [p[0] for p in points]
            for row in range(3):
                axes[row][col].plot(sizes, [p[row + 1] for p in points], styles[i % len(styles)],
                                    label=mode, markersize=5, fillstyle="none")
        axes[0][col].set_title(pattern)
        axes[2][col].set_xlabel("working set (bytes)")
        for row in range(3):
            ax = axes[row][col]
            ax.set_ylabel(labels[row])
            ax.set_xscale("log", base=2)
            ax.grid(True, alpha=0.3)
        axes[0][col].legend(fontsize="small")
    fig.suptitle("Pagoda: cost of address translation (modelled cycles)")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    print(f"plot: {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
