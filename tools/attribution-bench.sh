#!/usr/bin/env bash
# What translation-cost attribution costs, side by side in one run, under callgrind
# (host instruction counts repeat from run to run; wall-clock times on a shared machine
# do not). For each workload, the host instructions (Ir) of:
#   none  a build with attribution compiled out (-DPAGODA_NO_ATTRIBUTION, in .build-noattr)
#   off   the normal build, without --attribute (the default)
#   on    the normal build with --attribute
# (each with --stats), counted inside Machine.run, the emulation itself, and the ratios
# off/none (target: at most 1.10) and on/off (target: at most 1.5); apart, the extra Ir
# outside the run with --attribute, nearly all of it writing the larger statistics file.
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

# ir BINARY ARGS...: callgrind's Ir of one run (with --stats): "TOTAL RUN", the whole
# process and the part inside Machine.run (the emulation, without start-up and without
# writing the statistics file).
ir() {
  local bin=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$bin" run --timing off --max-instructions "$N" \
    --stats "$out/s.json" "$@" >/dev/null 2>"$out/cg.err" || true
  local total run
  total=$(awk '/^summary:/ {print $2}' "$out/cg.out")
  run=$(callgrind_annotate --inclusive=yes --threshold=100 "$out/cg.out" 2>/dev/null \
        | awk '/PagodaMachine0B0C3runAA10StopReasonOyF/ {gsub(",", "", $1); print $1; exit}')
  if [ -z "$total" ] || [ -z "$run" ]; then
    echo "attribution-bench: no Machine.run cost in the callgrind output of $bin $*: $(tail -n 2 "$out/cg.err")" >&2
    return 1
  fi
  echo "$total $run"
}

os_args=(guests/build/os/kernel.elf --harts 2 --bootargs "mm=paging policy=clock frames=8 run=matrix,sweep,mstress,forktree")
printf '%-18s %14s %14s %14s %9s %8s %14s\n' workload "run Ir none" "run Ir off" "run Ir on" "off/none" "on/off" "stats write on"
run_row() {
  local name=$1; shift
  local a b c
  a=$(ir "$none" "$@")
  b=$(ir "$normal" "$@")
  c=$(ir "$normal" --attribute "$@")
  python3 - "$name" $a $b $c <<'PY'
import sys
name = sys.argv[1]
(ta, ra), (tb, rb), (tc, rc) = [tuple(map(int, sys.argv[i:i + 2])) for i in (2, 4, 6)]
# What the rest of the process (start-up, writing the statistics file) costs beyond the
# run, with attribution on, over the same without it.
extra = (tc - rc) - (tb - rb)
print(f"{name:<18} {ra:>14} {rb:>14} {rc:>14} {rb/ra:>9.3f} {rc/rb:>8.3f} {extra:>14}")
PY
}
run_row sv39_walk_bench guests/build/bench/sv39_walk_bench.elf
run_row coremark_like guests/build/bench/coremark_like.elf
run_row teaching_kernel "${os_args[@]}"
echo "($N guest instructions each, timing off, --stats; run Ir: inside Machine.run; stats write on: the extra Ir"
echo " of start-up and of writing the statistics file with --attribute, against without)"
