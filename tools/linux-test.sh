#!/usr/bin/env bash
# Boots Linux 6.1 with Pagoda's /init (tools/linux-build.sh) on Pagoda and checks what /init reports:
#   - Pagoda's own SBI firmware on 1, 2, 4 and 8 harts, Debian's OpenSBI fw_jump on 4 harts
#     (every hart starting at the reset vector, as on QEMU);
#   - each boot exits 0, prints "init: all checks passed" and sees N CPUs online;
#   - the disk image holds the pattern /init wrote, and with snapshot=on it does not;
#   - two boots with the same flags give byte-identical console output and statistics.
# Each boot has a host timeout and an instruction cap, so a hang fails instead of stalling.
# Prints "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

boot_timeout=${LINUX_BOOT_TIMEOUT:-900}              # host seconds per boot
max_instructions=${LINUX_MAX_INSTRUCTIONS:-6000000000}
opensbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
linux=$root/guests/build/linux
out=$linux/test
pagoda=$root/.build/release/pagoda

bash tools/linux-build.sh || { echo "linux-test: the Linux build failed"; echo "0 passed, 1 failed"; exit 1; }
if [ -z "${PAGODA_SKIP_BUILD:-}" ]; then
  swift build -c release --product pagoda 2>&1 | tail -1 || { echo "linux-test: swift build failed"; exit 1; }
fi
[ -x "$pagoda" ] || { echo "linux-test: $pagoda missing"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# A fresh, zeroed 8 MiB disk image.
fresh_disk() { rm -f "$1"; truncate -s 8M "$1"; }

# Exit status 0 when the first 64 KiB of the image are what /init writes (see check_disk in init.c).
disk_has_pattern() {
  python3 - "$1" <<'EOF'
import sys
header = b"pagoda linux /init disk pattern v1\n"
want = bytearray((i * 7 + (i >> 9)) & 255 for i in range(64 * 1024))
want[:len(header)] = header
with open(sys.argv[1], "rb") as f:
    sys.exit(0 if f.read(len(want)) == bytes(want) else 1)
EOF
}

# has_line LOG TEXT: LOG has the line TEXT (the tty ends console lines with \r\n).
has_line() { tr -d '\r' < "$1" | grep -aqxF "$2"; }

disk_is_zero() {
  python3 -c 'import sys; sys.exit(0 if not any(open(sys.argv[1], "rb").read()) else 1)' "$1"
}

# boot NAME HARTS DRIVE-OPTIONS [pagoda options...]: boots, writes NAME.log / NAME.json, checks /init's verdict.
boot() {
  local name=$1 harts=$2 drive=$3
  shift 3
  local log=$out/$name.log stats=$out/$name.json
  local start end status
  start=$(date +%s.%N)
  timeout "$boot_timeout" "$pagoda" run --kernel "$linux/Image" --initrd "$linux/initramfs.cpio" \
    --append "console=ttyS0 earlycon=uart8250,mmio,0x10000000 pagoda.harts=$harts pagoda.mem=256" \
    --drive "$drive" --memory 256M --harts "$harts" --max-instructions "$max_instructions" \
    --stats "$stats" "$@" < /dev/null > "$log" 2>&1
  status=$?
  end=$(date +%s.%N)
  local seconds instructions
  seconds=$(printf '%.1f' "$(echo "$end - $start" | bc)")
  instructions=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$stats" 2>/dev/null || echo "?")
  local what="$name: $harts harts, $seconds s, $instructions instructions"
  if [ "$status" -ne 0 ]; then
    fail "$what: exit status $status$([ "$status" -eq 124 ] && echo " (timeout or instruction cap)") (log: $log)"
    grep -a "init: FAIL" "$log" | sed 's/^/    /'
    tail -n 5 "$log" | sed 's/^/    | /'
    return 1
  fi
  if ! has_line "$log" "init: all checks passed"; then
    fail "$what: /init did not pass (log: $log)"
    grep -a "init: FAIL\|checks failed" "$log" | sed 's/^/    /'
    return 1
  fi
  if ! has_line "$log" "init: ok $harts cpus online"; then
    fail "$what: not $harts cpus online: $(grep -a 'init: cpus:' "$log")"
    return 1
  fi
  pass "$what"
}

# Pagoda's firmware on 1, 2, 4, 8 harts; each on a fresh disk that must hold the pattern afterwards.
for harts in 1 2 4 8; do
  disk=$out/disk-$harts.img
  fresh_disk "$disk"
  if boot "pagoda-fw-$harts" "$harts" "file=$disk"; then
    if disk_has_pattern "$disk"; then pass "pagoda-fw-$harts: disk image holds /init's pattern"
    else fail "pagoda-fw-$harts: disk image does not hold /init's pattern"; fi
  fi
done

# Debian's OpenSBI, entered on every hart from the reset vector as on QEMU.
if [ -r "$opensbi" ]; then
  disk=$out/disk-opensbi.img
  fresh_disk "$disk"
  if boot opensbi-4 4 "file=$disk" --bios "$opensbi" --boot-all-harts; then
    if disk_has_pattern "$disk"; then pass "opensbi-4: disk image holds /init's pattern"
    else fail "opensbi-4: disk image does not hold /init's pattern"; fi
  fi
else
  fail "opensbi-4: $opensbi not found (install opensbi: bash tools/setup.sh)"
fi

# snapshot=on: the guest's writes stay in memory, the image stays zero.
disk=$out/disk-snapshot.img
fresh_disk "$disk"
if boot snapshot-2 2 "file=$disk,snapshot=on"; then
  if disk_is_zero "$disk"; then pass "snapshot-2: disk image untouched with snapshot=on"
  else fail "snapshot-2: disk image was written although snapshot=on"; fi
fi

# Attribution: kernel functions from vmlinux, /init's from its own symbols under every user
# ASID (only /init runs); every breakdown adds up to the totals; the report names both.
disk=$out/disk-attribution.img
fresh_disk "$disk"
if boot attribution-2 2 "file=$disk" --attribute --symbols "$linux/vmlinux" --symbols "$linux/init@1-65534"; then
  if check=$(python3 tools/attribution-check.py "$out/attribution-2.json" --program 1=init --source vmlinux --source init); then
    pass "attribution-2: ${check#attribution-check: }"
  else fail "attribution-2: $check"; fi
  "$pagoda" report "$out/attribution-2.json" > "$out/attribution-2.report"
  if grep -q "asid 1 (init)" "$out/attribution-2.report" && grep -q "\[vmlinux\]" "$out/attribution-2.report"; then
    pass "attribution-2: the report names /init's address space and kernel functions"
  else fail "attribution-2: the report names no process or no kernel function ($out/attribution-2.report)"; fi
fi

# Determinism: the same boot twice (fresh identical disks) gives the same console and statistics.
for run in a b; do
  fresh_disk "$out/disk-repeat-$run.img"
  boot "repeat-4$run" 4 "file=$out/disk-repeat-$run.img" >/dev/null || true
done
if [ -s "$out/repeat-4a.log" ] && cmp -s "$out/repeat-4a.log" "$out/repeat-4b.log"; then
  pass "repeat-4: two boots give byte-identical console output ($(wc -c < "$out/repeat-4a.log") bytes)"
else
  fail "repeat-4: console output differs between two identical boots: diff $out/repeat-4a.log $out/repeat-4b.log"
fi
if [ -s "$out/repeat-4a.json" ] && cmp -s "$out/repeat-4a.json" "$out/repeat-4b.json"; then
  pass "repeat-4: two boots give byte-identical statistics"
else
  fail "repeat-4: statistics differ between two identical boots: diff $out/repeat-4a.json $out/repeat-4b.json"
fi

echo "linux-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
