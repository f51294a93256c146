#!/usr/bin/env bash
# Runs every guest test on QEMU's virt board and on Pagoda and requires identical
# console output and exit status.
#
#   PAGODA=path/to/pagoda tools/qemu-compare.sh [guest.elf ...]
#
# Without arguments: every guests/build/{isa,priv,vm,smp}/*.elf (run `make -C guests` first).
# A guest whose source has a line containing QEMU-SKIP runs on Pagoda only (it must
# still pass). `PAGODA-FLAGS: ...` in a source adds flags on Pagoda. `uart_input*`
# guests get "hello\n" on standard input; `exit_codeN` guests must exit with N.
set -uo pipefail
cd "$(dirname "$0")/.."
PAGODA=${PAGODA:-.build/release/pagoda}
QEMU=${QEMU:-qemu-system-riscv64}
[ -x "$PAGODA" ] || { echo "qemu-compare: $PAGODA not built (swift build -c release)" >&2; exit 2; }
command -v "$QEMU" >/dev/null || { echo "qemu-compare: $QEMU not found (apt-get install qemu-system-misc)" >&2; exit 2; }

if [ $# -gt 0 ]; then guests=("$@"); else guests=(guests/build/isa/*.elf guests/build/priv/*.elf guests/build/vm/*.elf guests/build/smp/*.elf); fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
# shellcheck source=tools/guest-sources.sh
. tools/guest-sources.sh

for elf in "${guests[@]}"; do
  [ -f "$elf" ] || continue
  name=$(basename "$(dirname "$elf")")/$(basename "$elf" .elf)
  src=$(guest_source "$elf")
  flags=$(guest_flags "$elf")
  guest_input "$elf" > "$work/input"
  input="$work/input"
  want_status=0
  case "$(basename "$elf" .elf)" in exit_code[0-9]*) want_status=${name##*exit_code};; esac

  # shellcheck disable=SC2086
  timeout 60 "$PAGODA" run $flags "$elf" < "$input" > "$work/pagoda.out" 2> "$work/pagoda.err"
  p_status=$?
  if [ -n "$src" ] && grep -q 'QEMU-SKIP' "$src"; then
    if [ "$p_status" -eq "$want_status" ]; then
      echo "skip-qemu  $name"; skipped=$((skipped + 1))
    else
      echo "FAIL       $name (pagoda exit $p_status, want $want_status)"; cat "$work/pagoda.out" "$work/pagoda.err"; failed=$((failed + 1))
    fi
    continue
  fi
  # QEMU's serial console on stdio; its monitor off so input reaches the guest.
  timeout 60 "$QEMU" -M virt -bios none -display none -monitor none -serial stdio -kernel "$elf" \
    < "$input" > "$work/qemu.out" 2> "$work/qemu.err"
  q_status=$?
  if cmp -s "$work/qemu.out" "$work/pagoda.out" && [ "$p_status" -eq "$q_status" ] && [ "$p_status" -eq "$want_status" ]; then
    echo "same       $name"; passed=$((passed + 1))
  else
    echo "DIFF       $name (qemu exit $q_status, pagoda exit $p_status, want $want_status)"
    diff -u --label qemu --label pagoda "$work/qemu.out" "$work/pagoda.out" | head -40
    failed=$((failed + 1))
  fi
done

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
