#!/usr/bin/env bash
# Boots the Linux guest (tools/linux-build.sh) to power-off on QEMU and on Pagoda, one after the
# other, and prints a table: host seconds, guest instructions (Pagoda's --stats), millions of
# instructions per host second, and each boot's time relative to QEMU's on the same hart count.
#
# QEMU runs `-M virt -cpu rv64,f=false,d=false` with Debian's OpenSBI fw_jump.bin (multi-threaded
# TCG); it does not count instructions, so its row shows seconds only. Pagoda runs with its own
# firmware and with the same OpenSBI (fw_jump.elf, every hart from the reset vector).
#
#   bash tools/linux-bench.sh [REPEATS]     (default 1; the table shows the fastest run)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

repeats=${1:-1}
linux=$root/guests/build/linux
out=$linux/bench
pagoda=$root/.build/release/pagoda
opensbi_bin=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
opensbi_elf=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
max_instructions=6000000000
boot_timeout=900

bash tools/linux-build.sh >/dev/null || { echo "linux-bench: the Linux build failed" >&2; exit 1; }
if [ -z "${PAGODA_SKIP_BUILD:-}" ]; then
  swift build -c release --product pagoda 2>&1 | tail -1
fi
rm -rf "$out"
mkdir -p "$out"

append() { echo "console=ttyS0 earlycon=uart8250,mmio,0x10000000 pagoda.harts=$1 pagoda.mem=256"; }

# run NAME COMMAND...: runs COMMAND REPEATS times on a fresh disk; sets $best (seconds) and $ok.
run() {
  local name=$1
  shift
  best=""
  ok=yes
  for ((i = 0; i < repeats; i++)); do
    rm -f "$out/disk.img"
    truncate -s 8M "$out/disk.img"
    local start end seconds
    start=$(date +%s.%N)
    timeout "$boot_timeout" "$@" < /dev/null > "$out/$name.log" 2>&1 || ok=no
    end=$(date +%s.%N)
    tr -d '\r' < "$out/$name.log" | grep -aqxF "init: all checks passed" || ok=no
    seconds=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc)" -eq 1 ]; then best=$seconds; fi
  done
}

rows=()
declare -A qemu_seconds

for harts in 1 4; do
  run "qemu-$harts" qemu-system-riscv64 -M virt -cpu rv64,f=false,d=false -smp "$harts" -m 256M -nographic \
    -bios "$opensbi_bin" -kernel "$linux/Image" -initrd "$linux/initramfs.cpio" -append "$(append "$harts")" \
    -drive file="$out/disk.img",format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0 \
    -device virtio-rng-device -global virtio-mmio.force-legacy=false
  qemu_seconds[$harts]=$best
  rows+=("QEMU 7.2 (TCG), OpenSBI|$harts|$best|-|$ok")
done

pagoda_row() {
  local label=$1 name=$2 harts=$3
  shift 3
  run "$name" "$pagoda" run --kernel "$linux/Image" --initrd "$linux/initramfs.cpio" --append "$(append "$harts")" \
    --drive file="$out/disk.img" --memory 256M --harts "$harts" --max-instructions "$max_instructions" \
    --stats "$out/$name.json" "$@"
  local instructions
  instructions=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$out/$name.json" 2>/dev/null || echo "-")
  rows+=("$label|$harts|$best|$instructions|$ok")
}

for harts in 1 4; do
  pagoda_row "Pagoda, its own firmware" "pagoda-$harts" "$harts"
done
pagoda_row "Pagoda, OpenSBI" "pagoda-opensbi-4" 4 --bios "$opensbi_elf" --boot-all-harts

printf '\n%-28s %5s %10s %14s %8s %10s %6s\n' "machine" "harts" "seconds" "instructions" "MIPS" "vs QEMU" "passed"
for row in "${rows[@]}"; do
  IFS='|' read -r label harts seconds instructions passed <<< "$row"
  mips="-"
  [ "$instructions" != "-" ] && mips=$(printf '%.1f' "$(echo "$instructions / $seconds / 1000000" | bc -l)")
  ratio=$(printf '%.1fx' "$(echo "$seconds / ${qemu_seconds[$harts]}" | bc -l)")
  printf '%-28s %5s %10.2f %14s %8s %10s %6s\n' "$label" "$harts" "$seconds" "$instructions" "$mips" "$ratio" "$passed"
done
echo
echo "seconds: host wall-clock time from start to power-off (best of $repeats); vs QEMU: seconds relative"
echo "to QEMU on the same number of harts. QEMU does not count instructions (-icount would make it"
echo "single-threaded and change what is measured), so its row has none. Logs: $out"
