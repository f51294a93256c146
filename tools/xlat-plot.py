#!/usr/bin/env python3
"""Draws the translation-overhead experiment (tools/xlat-experiment.sh).

    tools/xlat-plot.py FIGURES.csv PLOT.png

One panel per access pattern: cycles per access against the working-set size (log
scale) for each translation mode, and below it the share of cycles spent walking
page tables."""
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
        s.append((int(row["size"]), float(row["cycles_per_access"]), 100 * float(row["walk_share"])))
    patterns = list(series)
    fig, axes = plt.subplots(2, len(patterns), figsize=(5 * len(patterns), 7), squeeze=False, sharex=True)
    for col, pattern in enumerate(patterns):
        top, bottom = axes[0][col], axes[1][col]
        for mode, points in series[pattern].items():
            points.sort()
            sizes = [p[0] for p in points]
            top.plot(sizes, [p[1] for p in points], marker="o", label=mode)
            bottom.plot(sizes, [p[2] for p in points], marker="o", label=mode)
        top.set_title(f"{pattern}")
        top.set_ylabel("cycles per access")
        bottom.set_ylabel("page-walk cycles, % of all")
        bottom.set_xlabel("working set (bytes)")
        for ax in (top, bottom):
            ax.set_xscale("log", base=2)
            ax.grid(True, alpha=0.3)
        top.legend(fontsize="small")
    fig.suptitle("Pagoda: cost of address translation (modelled cycles)")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    print(f"plot: {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
