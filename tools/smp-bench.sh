#!/usr/bin/env bash
# The SMP scaling benchmark: guests/smp/shared_work.c built with a large, fixed total
# amount of work, run on 1, 2 and 4 harts (timing model on), printing instructions,
# host seconds and MIPS, and each run's MIPS relative to one hart's.
#
#   tools/smp-bench.sh            (ROUNDS=400000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PAGODA=${PAGODA:-.build/release/pagoda}
ROUNDS=${ROUNDS:-400000}
[ -x "$PAGODA" ] || swift build -c release >/dev/null
make -s -C guests
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags="--target=riscv64-unknown-elf -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax -O2 -ffreestanding -fno-builtin -nostdlib -fno-pic -Iguests/common"
clang $flags -DWORK_ROUNDS="$ROUNDS" -c guests/smp/shared_work.c -o "$out/shared_work.o"
ld.lld -m elf64lriscv -T guests/common/link.ld --no-relax guests/build/common/crt.o guests/build/common/guest.o "$out/shared_work.o" -o "$out/shared_work.elf"

printf '%-6s %-7s %14s %10s %10s %10s\n' harts timing instructions seconds MIPS vs-1-hart
for timing in off on; do
  base=""
  for harts in 1 2 4; do
    start=$(date +%s.%N)
    "$PAGODA" run --harts "$harts" --timing "$timing" --stats "$out/stats.json" "$out/shared_work.elf" > "$out/console.txt"
    end=$(date +%s.%N)
    grep -q "PASS shared_work" "$out/console.txt" || { echo "smp-bench: the guest failed" >&2; cat "$out/console.txt" >&2; exit 1; }
    python3 - "$out/stats.json" "$start" "$end" "$harts" "$timing" "${base:-0}" > "$out/line.txt" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
seconds = float(sys.argv[3]) - float(sys.argv[2])
n = stats["instructions"]
mips = n / seconds / 1e6
base = float(sys.argv[6]) or mips
print(f"{sys.argv[4]:<6} {sys.argv[5]:<7} {n:>14} {seconds:>10.3f} {mips:>10.1f} {mips / base:>10.2f}")
PY
    cat "$out/line.txt"
    [ -z "$base" ] && base=$(awk '{print $5}' "$out/line.txt")
  done
done
