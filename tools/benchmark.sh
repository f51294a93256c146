#!/usr/bin/env bash
# The CPU benchmark: every guest in guests/bench (sorting, CRC-32, matrix multiply,
# string and pointer work, and our own CoreMark-like and Dhrystone-like programs) on
# QEMU (TCG) and on Pagoda with the timing model off and on, side by side in one run.
# Prints guest instructions retired (from Pagoda's statistics; the same binary retires
# the same instructions on QEMU), host seconds, MIPS, the Pagoda/QEMU speed ratio (QEMU
# seconds / Pagoda seconds), what the timing model costs (seconds on / seconds off) and,
# under callgrind, host instructions per guest instruction: "Ir/insn" is callgrind's
# total Ir over a short run of BENCH_CALLGRIND_INSTRUCTIONS guest instructions with the
# timing model off divided by that count, "steady" the same without the start-up (the
# Ir of a run of one instruction subtracted), "on" the steady figure with the timing
# model on and "Ir on/off" the two steady figures' ratio (what the timing model costs,
# counted exactly, where the seconds vary from run to run).
#
#   tools/benchmark.sh                  every guest
#   BENCH_FILTER=crc tools/benchmark.sh  the guests whose name contains "crc"
#   BENCH_CALLGRIND=0 tools/benchmark.sh skip callgrind
set -euo pipefail
cd "$(dirname "$0")/.."
PAGODA=${PAGODA:-.build/release/pagoda}
[ -n "${SKIP_BUILD:-}" ] || swift build -c release >/dev/null
make -s -C guests
command -v qemu-system-riscv64 >/dev/null || { echo "benchmark: qemu-system-riscv64 not found" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
CG_N=${BENCH_CALLGRIND_INSTRUCTIONS:-20000000}
use_cg=${BENCH_CALLGRIND:-1}
command -v valgrind >/dev/null || use_cg=0
# Callgrind's total instruction count (Ir) for a run of N guest instructions (timing off, or $3).
cg_ir() {
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$PAGODA" run --timing "${3:-off}" --max-instructions "$2" "$1" \
    >/dev/null 2>"$out/cg.err" || true
  awk '/^summary:/ {print $2}' "$out/cg.out"
}

fmt='%-15s %12s | %8s %8s | %8s %8s %7s | %8s %8s %7s | %7s %7s %7s %9s\n'
# shellcheck disable=SC2059
printf "$fmt" guest instret "qemu s" "MIPS" "off s" "MIPS" "ratio" "on s" "MIPS" "on/off" "Ir/insn" "steady" "on" "Ir on/off"
rows=()
for elf in guests/build/bench/*.elf; do
  name=$(basename "$elf" .elf)
  [[ "$name" == *"${BENCH_FILTER:-}"* ]] || continue
  t0=$(now); timeout 300 qemu-system-riscv64 -M virt -bios none -display none -monitor none -serial stdio -kernel "$elf" > "$out/qemu.txt"; t1=$(now)
  "$PAGODA" run --timing off --stats "$out/off.json" "$elf" > "$out/off.txt"; t2=$(now)
  "$PAGODA" run --timing on --stats "$out/on.json" "$elf" > "$out/on.txt"; t3=$(now)
  for f in off on; do
    cmp -s "$out/qemu.txt" "$out/$f.txt" || { echo "benchmark: $name: output differs from QEMU's (timing $f)" >&2; exit 1; }
  done
  grep -q "^PASS $name" "$out/off.txt" || { echo "benchmark: $name failed" >&2; cat "$out/off.txt" >&2; exit 1; }
  ir=0 ir1=0 iron=0 iron1=0
  if [ "$use_cg" = 1 ]; then
    ir=$(cg_ir "$elf" "$CG_N"); ir1=$(cg_ir "$elf" 1)
    iron=$(cg_ir "$elf" "$CG_N" on); iron1=$(cg_ir "$elf" 1 on)
  fi
  row=$(python3 - "$out/off.json" "$name" "$t0" "$t1" "$t2" "$t3" "${ir:-0}" "${ir1:-0}" "$CG_N" "${iron:-0}" "${iron1:-0}" <<'PY'
import json, sys
n = json.load(open(sys.argv[1]))["instructions"]
name, t0, t1, t2, t3 = sys.argv[2], *map(float, sys.argv[3:7])
ir, ir1, cg_n, iron, iron1 = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10]), int(sys.argv[11])
cg_n = min(cg_n, n)
q, off, on = t1 - t0, t2 - t1, t3 - t2
steady, steady_on = (ir - ir1) / (cg_n - 1), (iron - iron1) / (cg_n - 1)
per = f"{ir/cg_n:.1f} {steady:.1f} {steady_on:.1f} {steady_on/steady:.2f}" if ir else "- - - -"
print(f"{name} {n} {q:.3f} {n/q/1e6:.1f} {off:.3f} {n/off/1e6:.1f} {q/off:.2f} {on:.3f} {n/on/1e6:.1f} {on/off:.2f} {per}")
PY
)
  rows+=("$row")
  # shellcheck disable=SC2086,SC2059
  printf "$fmt" $row
done
python3 - "${rows[@]}" <<'PY'
import math, sys
rows = [r.split() for r in sys.argv[1:]]
if rows:
    n = sum(int(r[1]) for r in rows)
    q, off, on = (sum(float(r[i]) for r in rows) for i in (2, 4, 7))
    geo = math.exp(sum(math.log(float(r[6])) for r in rows) / len(rows))
    print(f"{'total':<15} {n:>12} | {q:>8.3f} {n/q/1e6:>8.1f} | {off:>8.3f} {n/off/1e6:>8.1f} {q/off:>7.2f} | {on:>8.3f} {n/on/1e6:>8.1f} {on/off:>7.2f} |")
    print(f"pagoda/QEMU speed ratio (timing off), geometric mean: {geo:.2f}")
PY
