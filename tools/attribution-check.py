#!/usr/bin/env python3
"""Checks the --attribute section of a pagoda --stats file against the hart totals.

    tools/attribution-check.py STATS.json [--program ASID=NAME ...] [--source NAME ...]

For every hart: by_space, by_pc, by_function and by_space_function each add up exactly to
the hart's ITLB and DTLB misses, page walks, PTE reads, walk cycles and page faults, and
by_space's hits add up to the TLBs' hits. --program ASID=NAME: the address space has the
program NAME and U-mode code under it is named by functions of NAME's symbol table (no
"?" walk cycles there). --source NAME: some function comes from the --symbols table NAME.
Prints one line per failed check and exits 1 if any failed, else prints a summary."""
import json
import sys

FIELDS = ["itlb_misses", "dtlb_misses", "page_walks", "pte_reads", "walk_cycles", "page_faults"]


def main(argv):
    path, programs, sources = argv[0], {}, []
    rest = argv[1:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "--program":
            asid, name = value.split("=", 1)
            programs[int(asid, 0)] = name
        elif flag == "--source":
            sources.append(value)
        else:
            raise SystemExit(f"attribution-check: unknown option {flag}")
    stats = json.load(open(path))
    failures = []
    seen_sources, seen_programs = set(), {}
    rows_checked = 0
    for hart in stats["harts"]:
        h = hart["hart"]
        a = hart.get("attribution")
        if a is None:
            failures.append(f"hart {h}: no attribution section")
            continue
        totals = {
            "itlb_misses": hart["itlb"]["misses"], "dtlb_misses": hart["dtlb"]["misses"],
            "page_walks": hart["page_walks"], "pte_reads": hart["pte_reads"],
            "walk_cycles": hart["walk_cycles"], "page_faults": hart["page_faults"],
        }
        for name in ["by_space", "by_pc", "by_function", "by_space_function"]:
            rows = a[name]
            rows_checked += len(rows)
            for f in FIELDS:
                got = sum(r[f] for r in rows)
                if got != totals[f]:
                    failures.append(f"hart {h}: {name} {f} adds up to {got}, the hart's total is {totals[f]}")
        for tlb in ["itlb", "dtlb"]:
            got = sum(r[f"{tlb}_hits"] for r in a["by_space"])
            if got != hart[tlb]["hits"]:
                failures.append(f"hart {h}: by_space {tlb}_hits adds up to {got}, the hart's total is {hart[tlb]['hits']}")
        for r in a["by_space"]:
            if "program" in r:
                seen_programs[r["asid"]] = r["program"]
        for r in a["by_space_function"]:
            if r.get("source"):
                seen_sources.add(r["source"])
            if r["mode"] == "U" and r["asid"] in programs and r["function"] == "?" and r["walk_cycles"] > 0:
                failures.append(f"hart {h}: {r['walk_cycles']} walk cycles of U-mode asid {r['asid']} name no function")
    for asid, name in programs.items():
        if seen_programs.get(asid) != name:
            failures.append(f"asid {asid} is called {seen_programs.get(asid)}, expected {name}")
    for s in sources:
        if s not in seen_sources:
            failures.append(f"no function comes from {s}")
    for f in failures:
        print(f"attribution-check: {f}")
    if failures:
        return 1
    print(f"attribution-check: {path}: {len(stats['harts'])} harts, {rows_checked} rows, every breakdown adds up to the totals")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1:]))
