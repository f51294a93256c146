#!/usr/bin/env bash
# The translation-overhead experiment: guests/xlat/xlat.c runs one access pattern
# (sequential scan, random access, pointer chase) over one working set (64 KiB to
# 64 MiB) in each translation setting (Bare, base/limit, Sv39 with 4 KiB, 2 MiB and
# 1 GiB pages), and this script runs the whole matrix and prints one table:
# instructions and cycles of the measured run, cycles per access, TLB miss rates,
# page walks, walk cycles and their share of all cycles, and the cycle ratio to Bare.
# It checks that every mode of one pattern and size loads the same values (the
# checksum), writes the figures to tools/out/xlat.csv and draws tools/out/xlat.png.
# A second table gives the host speed of Bare, base/limit and Sv39 with a warm TLB.
#
#   tools/xlat-experiment.sh                       the full matrix (about a minute or two)
#   SIZES="64K 16M" PATTERNS=random tools/xlat-experiment.sh   a part of it
#   ACCESSES=4M tools/xlat-experiment.sh           more loads per run (default 1M)
#   PAGODA_FLAGS="--dtlb 64:4" tools/xlat-experiment.sh   another TLB shape
set -euo pipefail
cd "$(dirname "$0")/.."
PAGODA=${PAGODA:-.build/release/pagoda}
[ -n "${SKIP_BUILD:-}" ] || swift build -c release >/dev/null
make -s -C guests build/xlat/xlat.elf
ELF=guests/build/xlat/xlat.elf
MODES=${MODES:-"bare base sv39-4k sv39-2m sv39-1g"}
PATTERNS=${PATTERNS:-"seq random chase"}
SIZES=${SIZES:-"64K 256K 1M 4M 16M 64M"}
ACCESSES=${ACCESSES:-1M}
OUT=${OUT:-tools/out}
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run per line of jobs; run them on every host core.
for p in $PATTERNS; do for s in $SIZES; do for m in $MODES; do
  echo "$m $p $s"
done; done; done > "$work/jobs"
export PAGODA ELF ACCESSES work
# shellcheck disable=SC2016
xargs -P "$(nproc)" -L 1 bash -c '
  out="$work/$0-$1-$2.txt"
  # shellcheck disable=SC2086
  if ! "$PAGODA" run --memory 256M ${PAGODA_FLAGS:-} --bootargs "mode=$0 pattern=$1 size=$2 accesses=$ACCESSES" "$ELF" > "$out" 2>&1; then
    echo "xlat-experiment: mode=$0 pattern=$1 size=$2 failed:" >&2; cat "$out" >&2; exit 255
  fi' < "$work/jobs"

while read -r m p s; do grep '^xlat ' "$work/$m-$p-$s.txt"; done < "$work/jobs" > "$work/all.txt"

python3 - "$work/all.txt" "$OUT/xlat.csv" <<'PY'
import sys, csv
rows = []
for line in open(sys.argv[1]):
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    for k, v in fields.items():
        if k not in ("mode", "pattern", "checksum"):
            fields[k] = int(v)
    rows.append(fields)
bare = {(r["pattern"], r["size"]): r for r in rows if r["mode"] == "bare"}
checksums = {}
bad = []
for r in rows:
    key = (r["pattern"], r["size"])
    if checksums.setdefault(key, r["checksum"]) != r["checksum"]:
        bad.append(key)
def size_text(n):
    return f"{n >> 20}M" if n >= 1 << 20 else f"{n >> 10}K"
def pct(a, b):
    return 100.0 * a / b if b else 0.0
head = f"{'pattern':<7} {'size':>5} {'mode':<8} {'instret':>9} {'cycles':>11} {'cyc/acc':>8} {'itlb miss%':>10} {'dtlb miss%':>10} {'walks':>8} {'walk cyc':>10} {'walk%':>6} {'vs bare':>7}"
print(head)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["pattern", "size", "mode", "accesses", "instret", "cycles", "cycles_per_access", "itlb_misses",
                "itlb_accesses", "dtlb_misses", "dtlb_accesses", "page_walks", "pte_reads", "walk_cycles",
                "walk_share", "vs_bare", "checksum"])
    last = None
    for r in rows:
        key = (r["pattern"], r["size"])
        if last is not None and key[0] != last[0]:
            print()
        last = key
        b = bare.get(key)
        ratio = r["cycles"] / b["cycles"] if b and b["cycles"] else 0.0
        cpa = r["cycles"] / r["accesses"]
        share = pct(r["walk_cycles"], r["cycles"])
        print(f"{r['pattern']:<7} {size_text(r['size']):>5} {r['mode']:<8} {r['instret']:>9} {r['cycles']:>11} {cpa:>8.2f} "
              f"{pct(r['itlb_misses'], r['itlb_accesses']):>10.3f} {pct(r['dtlb_misses'], r['dtlb_accesses']):>10.3f} "
              f"{r['page_walks']:>8} {r['walk_cycles']:>10} {share:>6.2f} {ratio:>7.3f}")
        w.writerow([r["pattern"], r["size"], r["mode"], r["accesses"], r["instret"], r["cycles"], f"{cpa:.3f}",
                    r["itlb_misses"], r["itlb_accesses"], r["dtlb_misses"], r["dtlb_accesses"], r["page_walks"],
                    r["pte_reads"], r["walk_cycles"], f"{share / 100:.5f}", f"{ratio:.4f}", r["checksum"]])
if bad:
    print("xlat-experiment: modes disagree on the loaded values for", sorted(set(bad)), file=sys.stderr)
    sys.exit(1)
PY
echo "figures: $OUT/xlat.csv"
# The plot needs matplotlib: Debian's python3-matplotlib (tools/setup.sh) or from PyPI.
plot_python=""
for py in python3 /usr/bin/python3; do
  "$py" -c 'import matplotlib' 2>/dev/null && { plot_python=$py; break; }
done
[ -n "$plot_python" ] || { python3 -m pip install --quiet matplotlib && plot_python=python3; }
"$plot_python" tools/xlat-plot.py "$OUT/xlat.csv" "$OUT/xlat.png"

# Host speed: the same binary, a working set that fits in the TLB (64 KiB), many loads.
echo
printf '%-8s %-7s %12s %9s %9s %8s\n' mode pattern instret seconds MIPS vs-bare
for p in seq chase; do
  base_s=""
  for m in bare base sv39-4k; do
    t0=$(date +%s.%N)
    "$PAGODA" run --timing off --stats "$work/speed.json" --bootargs "mode=$m pattern=$p size=64K accesses=${SPEED_ACCESSES:-16M}" "$ELF" > /dev/null
    t1=$(date +%s.%N)
    n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$work/speed.json")
    python3 - "$m" "$p" "$n" "$t0" "$t1" "${base_s:-0}" <<'PY'
import sys
m, p, n, t0, t1, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
s = t1 - t0
print(f"{m:<8} {p:<7} {n:>12} {s:>9.3f} {n / s / 1e6:>9.1f} {(s / base if base else 1.0):>8.2f}")
PY
    [ -n "$base_s" ] || base_s=$(python3 -c "print($t1 - $t0)")
  done
done
