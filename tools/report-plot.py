#!/usr/bin/env python3
"""Draws the pictures of `pagoda report STATS.json --plot DIR` (it runs this script).

    tools/report-plot.py STATS.json DIR

Writes into DIR, each only when the statistics hold what it needs, and prints each path:
  walk-cycles-flame.png  walk cycles as an icicle chart: all harts, then address space
                         (ASID, with its program when --symbols FILE@ASID named one), then
                         privilege mode, then function; widths are walk cycles (--attribute)
  tlb-miss-rate.png      ITLB and DTLB miss rate per interval, a line per hart, from the
                         --stats-interval series (STATS.jsonl beside STATS.json)
  shootdown-cost.png     per initiating hart, the refill walk cycles its shootdowns cost
                         each target, and per target the fences and refill misses
                         (when the statistics have a "shootdowns" section)
Exits 1 with one line on stderr when the file is not a pagoda --stats file."""
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Functions narrower than this share of the total are drawn as one "other" block per mode.
SMALL = 0.01


def number(v):
    if isinstance(v, dict):  # {"total": n, "itlb": ...}
        v = v.get("total", 0)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0


def space_name(asid, program):
    return f"asid {asid}" + (f" ({program})" if program else "")


def flame(stats, path):
    """address space -> mode -> function, summed over harts."""
    tree = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    programs = {}
    for hart in stats["harts"]:
        a = hart.get("attribution")
        if not a:
            continue
        rows = a.get("by_space_function")
        if rows is None:  # a file from before --symbols: functions per pc instead
            rows = a.get("by_pc", [])
        for r in rows:
            if r.get("program"):
                programs[r["asid"]] = r["program"]
            name = r.get("function", "?") + (f" [{r['source']}]" if r.get("source") else "")
            tree[r["asid"]][r["mode"]][name] += number(r.get("walk_cycles"))
    total = sum(c for modes in tree.values() for fs in modes.values() for c in fs.values())
    if total == 0:
        return False
    fig, ax = plt.subplots(figsize=(14, 5.5))
    colours = plt.get_cmap("tab20").colors
    mode_colour = {"U": "#9ecae1", "S": "#fdae6b", "M": "#bcbddc"}
    height = 1.0

    def box(level, x, width, label, colour):
        ax.barh(-level, width, left=x, height=height * 0.95, color=colour, edgecolor="white", linewidth=0.6)
        # Room for about one character per 0.6% of the width.
        room = int(width / total * 160)
        if room >= 3:
            text = label if len(label) <= room else label[: max(1, room - 1)] + "…"
            ax.text(x + width / 2, -level, text, ha="center", va="center", fontsize=8, clip_on=True)

    box(0, 0, total, f"all: {total:,} walk cycles", "#d9d9d9")
    x = 0
    for i, (asid, modes) in enumerate(sorted(tree.items(), key=lambda kv: -sum(sum(f.values()) for f in kv[1].values()))):
        space_total = sum(sum(f.values()) for f in modes.values())
        box(1, x, space_total, f"{space_name(asid, programs.get(asid))}: {100 * space_total / total:.1f}%", colours[(2 * i) % 20])
        mx = x
        for mode, functions in sorted(modes.items(), key=lambda kv: -sum(kv[1].values())):
            mode_total = sum(functions.values())
            box(2, mx, mode_total, f"{mode}-mode", mode_colour.get(mode, "#cccccc"))
            fx, other = mx, 0
            for j, (name, cycles) in enumerate(sorted(functions.items(), key=lambda kv: (-kv[1], kv[0]))):
                if cycles == 0:
                    continue
                if cycles / total < SMALL:
                    other += cycles
                    continue
                box(3, fx, cycles, name, colours[(2 * i + 1 + 2 * j) % 20])
                fx += cycles
            if other:
                box(3, fx, other, "other", "#f0f0f0")
            mx += mode_total
        x += space_total
    ax.set_xlim(0, total)
    ax.set_ylim(-3.6, 0.6)
    ax.set_yticks([0, -1, -2, -3], ["all", "address space", "mode", "function"])
    ax.set_xlabel("walk cycles")
    ax.set_title("Where page-walk cycles go: address space, privilege mode, function")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def miss_rate(series_path, path):
    lines = []
    with open(series_path) as f:
        for line in f:
            line = line.strip()
            if line:
                lines.append(json.loads(line))
    if not lines:
        return False
    curves = defaultdict(lambda: {"itlb": [], "dtlb": []})
    start = {"instructions": 0, "harts": [{"hart": h["hart"], "itlb": {"hits": 0, "misses": 0}, "dtlb": {"hits": 0, "misses": 0}}
                                          for h in lines[0]["harts"]]}
    for before, after in zip([start] + lines, lines):
        x = after.get("instructions", 0)
        prev = {h["hart"]: h for h in before["harts"]}
        for h in after["harts"]:
            p = prev.get(h["hart"])
            if p is None:
                continue
            for tlb in ("itlb", "dtlb"):
                misses = number(h[tlb]["misses"]) - number(p[tlb]["misses"])
                accesses = misses + number(h[tlb]["hits"]) - number(p[tlb]["hits"])
                curves[h["hart"]][tlb].append((x, 100 * misses / accesses if accesses else float("nan")))
    fig, axes = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True)
    for ax, tlb in zip(axes, ("itlb", "dtlb")):
        for hart in sorted(curves):
            points = curves[hart][tlb]
            ax.plot([p[0] for p in points], [p[1] for p in points], label=f"hart {hart}", linewidth=1.2)
        ax.set_ylabel(f"{tlb.upper()} misses, % of accesses")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8, ncol=4)
    axes[-1].set_xlabel("instructions (all harts)")
    axes[0].set_title("TLB miss rate per interval (--stats-interval)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def shootdowns(section, path):
    rows = section.get("by_pair", []) if isinstance(section, dict) else section
    rows = [r for r in rows if isinstance(r, dict) and "initiator" in r]
    if not rows:
        return False
    harts = sorted({r["initiator"] for r in rows} | {r.get("target", r["initiator"]) for r in rows})
    targets = sorted({r.get("target", -1) for r in rows})
    cost = defaultdict(lambda: defaultdict(int))
    fences, refills = defaultdict(int), defaultdict(int)
    for r in rows:
        c = number(r.get("cost_walk_cycles", r.get("refill_walk_cycles")))
        cost[r["initiator"]][r.get("target", -1)] += c
        fences[r.get("target", -1)] += number(r.get("fences", r.get("count")))
        refills[r.get("target", -1)] += number(r.get("refill_misses"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = plt.get_cmap("tab10").colors
    bottom = [0] * len(harts)
    for k, t in enumerate(targets):
        heights = [cost[h][t] for h in harts]
        left.bar([str(h) for h in harts], heights, bottom=bottom, color=colours[k % 10], label=f"on hart {t}")
        bottom = [b + v for b, v in zip(bottom, heights)]
    left.set_xlabel("initiating hart")
    left.set_ylabel("refill walk cycles")
    left.set_title("Shootdown cost by initiator (stacked by target)")
    left.legend(fontsize=8)
    xs = range(len(harts))
    right.bar([x - 0.2 for x in xs], [fences[h] for h in harts], width=0.4, label="fences received")
    right.bar([x + 0.2 for x in xs], [refills[h] for h in harts], width=0.4, label="refill misses")
    right.set_xticks(list(xs), [str(h) for h in harts])
    right.set_xlabel("target hart")
    right.set_title("Fences and the refill misses that followed")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(stats_path, directory):
    try:
        with open(stats_path) as f:
            stats = json.load(f)
        assert isinstance(stats, dict) and isinstance(stats.get("harts"), list)
    except (OSError, ValueError, AssertionError):
        print(f"report-plot: {stats_path} is not a readable pagoda --stats file", file=sys.stderr)
        return 1
    os.makedirs(directory, exist_ok=True)
    wrote = []
    target = os.path.join(directory, "walk-cycles-flame.png")
    if flame(stats, target):
        wrote.append(target)
    series = os.path.splitext(stats_path)[0] + ".jsonl"
    target = os.path.join(directory, "tlb-miss-rate.png")
    if os.path.exists(series) and miss_rate(series, target):
        wrote.append(target)
    target = os.path.join(directory, "shootdown-cost.png")
    if "shootdowns" in stats and shootdowns(stats["shootdowns"], target):
        wrote.append(target)
    for w in wrote:
        print(f"wrote {w}")
    if not wrote:
        print("report-plot: nothing to draw (run with --attribute, --stats-interval or --shootdowns)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1], sys.argv[2]))
