#!/usr/bin/env bash
# The teaching kernel's memory-management experiment (guests/os), in one command:
#   1. page faults against frames for every replacement policy, from the reference-string
#      replayer, with tools/os-oracle.py's count beside each (they must agree), on
#      Belady's string (FIFO's anomaly) and on a generated string with locality;
#   2. the same workload (matrix, sweep, mstress, forktree) under base/limit with
#      whole-process swapping and under paging with each policy and several frame
#      counts, on 1 and 4 harts, swapping to a virtio block disk: faults, swap traffic,
#      modelled cycles (execution, translation, I/O), TLB misses from Pagoda's statistics.
# Writes tools/out/os-replay.csv, tools/out/os-workload.csv, tools/out/os-faults.png and
# tools/out/os-cycles.png, and prints both tables.
#   FRAMES="4 8 16 24 32" HARTS="1 4" POLICIES="fifo clock aging nru opt" REPLAY_FRAMES="1 2 3 4" OUT=DIR tools/os-experiment.sh
# It exits non-zero when a kernel count differs from the oracle's or a workload run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
FRAMES=${FRAMES:-"4 8 16 24 32"}
HARTS=${HARTS:-"1 4"}
POLICIES=${POLICIES:-"fifo clock aging nru opt"}
REPLAY_FRAMES=${REPLAY_FRAMES:-"1 2 3 4 5 6 7 8 10 12"}
OUT=${OUT:-tools/out}
mkdir -p "$OUT"
PAGODA=.build/release/pagoda
[ -x "$PAGODA" ] || swift build -c release >/dev/null
make -C guests os >/dev/null
KERNEL=guests/build/os/kernel.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

WORKLOAD="run=matrix,sweep,mstress,forktree"

# 1. Reference strings.
echo "string,policy,frames,kernel_faults,oracle_faults,swap_out,oracle_swap_out" > "$OUT/os-replay.csv"
for string in "belady:refs=0,1,2,3,0,1,4,0,1,2,3,4" "locality:gen=7:300:12"; do
  name=${string%%:*}; arg=${string#*:}
  for policy in $POLICIES; do
    for f in $REPLAY_FRAMES; do
      out=$("$PAGODA" run "$KERNEL" --bootargs "policy=$policy frames=$f run=replay $arg tick=10")
      refs=$(echo "$out" | sed -n 's/^replay refs://p')
      line=$(echo "$out" | grep '(replay) exit')
      kf=$(echo "$line" | sed -E 's/.*pageable-faults ([0-9]+);.*/\1/')
      ko=$(echo "$line" | sed -E 's/.*swap-out ([0-9]+) .*/\1/')
      read -r of oo < <(python3 tools/os-oracle.py --policy "$policy" --frames "$f" --tick 10 --refs "$refs" --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["faults"], d["swap_out"])')
      echo "$name,$policy,$f,$kf,$of,$ko,$oo" >> "$OUT/os-replay.csv"
    done
  done
done

# 2. The workload.
run_workload() {  # label harts bootargs
  local label=$1 harts=$2 args=$3
  local out
  out=$("$PAGODA" run "$KERNEL" --harts "$harts" --drive "file=$TMP/swap.img" --bootargs "$args" --stats "$TMP/s.json")
  python3 - "$label" "$harts" "$TMP/s.json" "$out" <<'PY' >> "$OUT/os-workload.csv"
import json, re, sys
label, harts, stats, out = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), sys.argv[4]
total = next(l for l in out.splitlines() if l.startswith("[kernel] total:"))
num = lambda key: int(re.search(key + r" (\d+)", total).group(1))
whole = re.search(r"whole-swaps out (\d+) in (\d+)", total)
done = next(l for l in out.splitlines() if "all done" in l)
ok = "ok" if " 0 killed" in done and "WRONG" not in out and "CORRUPTED" not in out else "FAILED"
hs = stats["harts"]
cyc = lambda k: sum(h["cycle_breakdown"][k] for h in hs)
print(",".join(str(x) for x in [label, harts, num("pageable-faults"), num("swap-in"), num("swap-out"),
      whole.group(1), whole.group(2), max(h["cycles"] for h in hs), cyc("execution"),
      cyc("translation"), cyc("data_access"), num("io"), sum(h["dtlb"]["misses"] for h in hs),
      sum(h["itlb"]["misses"] for h in hs), stats["instructions"], ok]))
PY
}
truncate -s 16M "$TMP/swap.img"
echo "scheme,harts,faults,swap_in,swap_out,whole_out,whole_in,cycles,execution,translation,data_access,io_cycles,dtlb_misses,itlb_misses,instructions,result" > "$OUT/os-workload.csv"
for h in $HARTS; do
  run_workload "baselimit" "$h" "mm=baselimit memory=192K ops=400 large=0 $WORKLOAD"
  for policy in $POLICIES; do
    for f in $FRAMES; do
      run_workload "$policy/$f" "$h" "mm=paging policy=$policy frames=$f ops=400 large=0 $WORKLOAD"
    done
  done
  # The cost of master-slave scheduling against every hart scheduling itself.
  [ "$h" -gt 1 ] && run_workload "clock/16/master" "$h" "mm=paging policy=clock frames=16 sched=master ops=400 large=0 $WORKLOAD"
done

# The tables and plots; the plots need matplotlib (Debian's python3-matplotlib, tools/setup.sh).
report_python=python3
for py in python3 /usr/bin/python3; do
  "$py" -c 'import matplotlib' 2>/dev/null && { report_python=$py; break; }
done
"$report_python" - "$OUT" <<'PY'
import csv, sys, os
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "os-replay.csv"))))
print("Page faults (kernel / oracle) against frames, reference-string replayer, tick every 10 references")
for string in ("belady", "locality"):
    sub = [r for r in rows if r["string"] == string]
    frames = sorted({int(r["frames"]) for r in sub})
    print(f"\n{string:9}" + "".join(f"{f:>10}" for f in frames))
    for policy in dict.fromkeys(r["policy"] for r in sub):
        cells = {int(r["frames"]): r for r in sub if r["policy"] == policy}
        print(f"{policy:9}" + "".join(f"{cells[f]['kernel_faults'] + '/' + cells[f]['oracle_faults']:>10}" for f in frames))
bad = [r for r in rows if r["kernel_faults"] != r["oracle_faults"] or r["swap_out"] != r["oracle_swap_out"]]
print(f"\nkernel = oracle in {len(rows) - len(bad)} of {len(rows)} runs")
failed = bool(bad)
w = list(csv.DictReader(open(os.path.join(out, "os-workload.csv"))))
print("\nThe workload (matrix, sweep, mstress, forktree)")
cols = ["scheme", "harts", "faults", "swap_in", "swap_out", "whole_out", "cycles", "execution", "translation", "io_cycles", "dtlb_misses", "result"]
print(" ".join(f"{c:>12}" for c in cols))
for r in w:
    print(" ".join(f"{r[c]:>12}" for c in cols))
failed = failed or any(r["result"] != "ok" for r in w)
if failed:
    print("FAILED: the kernel disagrees with the oracle, or a workload run went wrong")
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib missing: no plots")
    sys.exit(1 if failed else 0)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, string in zip(axes, ("belady", "locality")):
    sub = [r for r in rows if r["string"] == string]
    for policy in dict.fromkeys(r["policy"] for r in sub):
        pts = sorted((int(r["frames"]), int(r["kernel_faults"])) for r in sub if r["policy"] == policy)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=policy)
    ax.set_xlabel("frames")
    ax.set_ylabel("page faults")
    ax.set_title("Belady's string 0 1 2 3 0 1 4 0 1 2 3 4" if string == "belady" else "generated string (300 refs, 12 pages)")
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(out, "os-faults.png"), dpi=110)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, harts in zip(axes, sorted({r["harts"] for r in w})):
    sub = [r for r in w if r["harts"] == harts]
    labels = [r["scheme"] for r in sub]
    bottom = [0] * len(sub)
    for part in ("execution", "data_access", "translation"):
        vals = [int(r[part]) / 1e6 for r in sub]
        ax.bar(labels, vals, bottom=bottom, label=part)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_title(f"modelled cycles (all harts), {harts} hart(s)")
    ax.set_ylabel("million cycles")
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(out, "os-cycles.png"), dpi=110)
print(f"\nplots: {out}/os-faults.png {out}/os-cycles.png")
sys.exit(1 if failed else 0)
PY
