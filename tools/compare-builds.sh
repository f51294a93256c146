#!/usr/bin/env bash
# Runs every guest in guests/build on two Pagoda binaries and checks that they agree
# exactly: console output, exit status and the whole --stats JSON (cycles, the cycle
# breakdown, cache and TLB counts ...). For changes to the engine or the timing model
# that must not change what is modelled. Each guest runs with the flags of the
# `PAGODA-FLAGS:` line in its source, as in tools/qemu-compare.sh; `--drive
# test-pattern[,...]` (the tests' disk) becomes a fresh image of that pattern for each
# run, byte i of sector s being (s * 31 + i) & 0xFF.
#
#   tools/compare-builds.sh OLD-PAGODA [NEW-PAGODA]   (NEW defaults to .build/release/pagoda)
#   COMPARE_TIMING=off  COMPARE_INSTRUCTIONS=N  COMPARE_JOBS=J   timing mode (default on; a
#     guest's own --timing wins), instructions per run (2000000), parallel jobs (2)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: tools/compare-builds.sh OLD-PAGODA [NEW-PAGODA]" >&2; exit 2; }
old=$1 new=${2:-.build/release/pagoda}
for b in "$old" "$new"; do [ -x "$b" ] || { echo "compare-builds: $b is not an executable" >&2; exit 2; }; done
timing=${COMPARE_TIMING:-on} limit=${COMPARE_INSTRUCTIONS:-2000000} jobs=${COMPARE_JOBS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

one() {  # one ELF: run both binaries, print "same" or "DIFF" and the ELF
  local elf=$1 key flags input
  key=$(echo "$elf" | tr / _)
  flags=$(guest_flags "$elf")
  input="$out/$key.input"
  guest_input "$elf" > "$input"
  for side in old new; do
    local bin=$old; [ "$side" = new ] && bin=$new
    local status=0 run_flags=$flags
    if [[ $run_flags == *test-pattern* ]]; then
      python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes((s * 31 + i) & 0xFF for s in range(64) for i in range(512)))' "$out/$key.$side.img"
      run_flags=${run_flags//test-pattern/file=$out/$key.$side.img}
    fi
    # shellcheck disable=SC2086
    timeout 300 "$bin" run --timing "$timing" --max-instructions "$limit" $run_flags \
      --stats "$out/$key.$side.json" "$elf" < "$input" > "$out/$key.$side.out" 2>&1 || status=$?
    echo "exit status $status" >> "$out/$key.$side.out"
    [ -f "$out/$key.$side.json" ] || echo "no statistics" > "$out/$key.$side.json"
  done
  if cmp -s "$out/$key.old.out" "$out/$key.new.out" && cmp -s "$out/$key.old.json" "$out/$key.new.json"; then
    echo "same $elf"
  else
    echo "DIFF $elf"
  fi
}
# shellcheck source=tools/guest-sources.sh
. tools/guest-sources.sh
export -f one guest_source guest_flags guest_input
export old new timing limit out
ls guests/build/*/*.elf | xargs -P "$jobs" -I{} bash -c 'one {}' | sort > "$out/summary"
same=$(grep -c '^same' "$out/summary" || true) diff=$(grep -c '^DIFF' "$out/summary" || true)
grep '^DIFF' "$out/summary" || true
echo "compare-builds: timing $timing, $limit instructions: $same the same, $diff different"
[ "$diff" -eq 0 ]
