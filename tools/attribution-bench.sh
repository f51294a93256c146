#!/usr/bin/env bash
# What translation-cost attribution costs, side by side in one run, under callgrind
# (host instruction counts repeat from run to run; wall-clock times on a shared machine
# do not). For each workload, the host instructions (Ir) of:
#   none  a build with attribution compiled out (-DPAGODA_NO_ATTRIBUTION, in .build-noattr)
#   off   the normal build, without --attribute (the default)
#   on    the normal build with --attribute --stats
# and the ratios off/none (target: at most 1.10) and on/off (target: at most 1.5).
# Workloads: the page-walk benchmark guest, a CPU benchmark guest (both bare metal,
# translated and untranslated code), and the teaching kernel running its processes.
#
#   tools/attribution-bench.sh            every workload, ATTR_INSTRUCTIONS guest instructions each
#   ATTR_INSTRUCTIONS=5000000 tools/attribution-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
command -v valgrind >/dev/null || { echo "attribution-bench: valgrind not found" >&2; exit 2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  swift build -c release --product pagoda >/dev/null
  swift build -c release --product pagoda --build-path .build-noattr -Xswiftc -DPAGODA_NO_ATTRIBUTION >/dev/null
fi
make -s -C guests >/dev/null
normal=.build/release/pagoda
none=.build-noattr/release/pagoda
N=${ATTR_INSTRUCTIONS:-10000000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# ir BINARY ARGS...: callgrind's total Ir of one run.
ir() {
  local bin=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$bin" run --timing off --max-instructions "$N" "$@" \
    >/dev/null 2>"$out/cg.err" || true
  awk '/^summary:/ {print $2}' "$out/cg.out"
}

os_args=(guests/build/os/kernel.elf --harts 2 --bootargs "mm=paging policy=clock frames=8 run=matrix,sweep,mstress,forktree")
printf '%-18s %14s %14s %14s %9s %8s\n' workload "Ir none" "Ir off" "Ir on" "off/none" "on/off"
run_row() {
  local name=$1; shift
  local a b c
  a=$(ir "$none" "$@")
  b=$(ir "$normal" "$@")
  c=$(ir "$normal" --attribute --stats "$out/s.json" "$@")
  python3 - "$name" "$a" "$b" "$c" <<'PY'
import sys
name, a, b, c = sys.argv[1], *map(int, sys.argv[2:])
print(f"{name:<18} {a:>14} {b:>14} {c:>14} {b/a:>9.3f} {c/b:>8.3f}")
PY
}
run_row sv39_walk_bench guests/build/bench/sv39_walk_bench.elf
run_row coremark_like guests/build/bench/coremark_like.elf
run_row teaching_kernel "${os_args[@]}"
echo "($N guest instructions each, timing off; Ir includes start-up)"
