#!/bin/sh
# Rebuilds the boot ROM from firmware/bootrom.S and Pagoda's SBI firmware from
# firmware/sbi/, and checks that the committed Sources/PagodaDevices/BootROM.swift
# and Sources/PagodaDevices/PagodaFirmware.swift are exactly what the generators make
# of them. Also checks that both builds are reproducible (two builds, same bytes)
# and, when qemu-system-riscv64 is installed, runs the ROM's hand-off test on QEMU
# (firmware/handoff-test.S) and two of the SBI firmware's test kernels (guests/sbi)
# on QEMU's virt board, where every hart starts in the firmware and there is no
# mailbox: legacy.c on a hart without Sstc (set_timer through the CLINT's mtimecmp)
# and hsm.c on 4 harts.
#
# Needs clang, ld.lld, llvm-objcopy and llvm-nm (the Swift toolchain has them).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
committed="$root/Sources/PagodaDevices/BootROM.swift"
committed_sbi="$root/Sources/PagodaDevices/PagodaFirmware.swift"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

for build in first second; do
  if ! make -s -C "$root/firmware" BUILD="$work/$build" "$work/$build/BootROM.swift" >"$work/$build.log" 2>&1; then
    cat "$work/$build.log" >&2
    echo "check-firmware: FAILED: the boot ROM does not build from firmware/bootrom.S" >&2
    exit 1
  fi
  if ! make -s -C "$root/firmware" BUILD="$work/$build" "$work/$build/PagodaFirmware.swift" >"$work/$build-sbi.log" 2>&1; then
    cat "$work/$build-sbi.log" >&2
    echo "check-firmware: FAILED: the SBI firmware does not build from firmware/sbi/" >&2
    exit 1
  fi
done

if ! cmp -s "$work/first/pagoda-sbi.bin" "$work/second/pagoda-sbi.bin"; then
  echo "check-firmware: FAILED: two builds of firmware/sbi/ gave different bytes" >&2
  exit 1
fi

if ! cmp -s "$work/first/PagodaFirmware.swift" "$committed_sbi"; then
  echo "check-firmware: FAILED: Sources/PagodaDevices/PagodaFirmware.swift does not match firmware/sbi/." >&2
  echo "Regenerate it with 'make -C firmware swift' and commit the result. Differences:" >&2
  diff -u "$committed_sbi" "$work/first/PagodaFirmware.swift" | head -40 >&2 || true
  exit 1
fi

if ! cmp -s "$work/first/bootrom.bin" "$work/second/bootrom.bin"; then
  echo "check-firmware: FAILED: two builds of firmware/bootrom.S gave different bytes" >&2
  exit 1
fi

if ! cmp -s "$work/first/BootROM.swift" "$committed"; then
  echo "check-firmware: FAILED: Sources/PagodaDevices/BootROM.swift does not match firmware/bootrom.S." >&2
  echo "Regenerate it with 'make -C firmware swift' and commit the result. Differences:" >&2
  diff -u "$committed" "$work/first/BootROM.swift" >&2 || true
  exit 1
fi

if command -v "${QEMU:-qemu-system-riscv64}" >/dev/null 2>&1; then
  if ! make -s -C "$root/firmware" BUILD="$work/first" qemu-test >"$work/qemu.log" 2>&1; then
    cat "$work/qemu.log" >&2
    echo "check-firmware: FAILED: the boot ROM hand-off test failed on QEMU (exit 1: wrong a0/a1/a2, 2: trapped)" >&2
    exit 1
  fi
  if ! make -s -C "$root/guests" build/sbi/legacy.elf build/sbi/hsm.elf >"$work/guests.log" 2>&1; then
    cat "$work/guests.log" >&2
    echo "check-firmware: FAILED: guests/sbi does not build" >&2
    exit 1
  fi
  # QEMU runs in host time: its console input and timer interrupts arrive when the host
  # gets round to them, so on a loaded machine a run can see them late. A run that
  # fails is tried again, up to three times in all; Pagoda's own runs of the same
  # kernels (SBIFirmwareTests) are in modelled time and need no second try.
  sbi_on_qemu() {  # sbi_on_qemu KERNEL INPUT QEMU-OPTIONS...
    kernel=$1 input=$2; shift 2
    for attempt in 1 2 3; do
      status=0
      printf '%s' "$input" | timeout 30 "${QEMU:-qemu-system-riscv64}" -M virt "$@" -display none -monitor none \
        -serial stdio -bios "$work/first/pagoda-sbi.elf" -kernel "$root/guests/build/sbi/$kernel.elf" \
        >"$work/qemu-sbi.log" 2>&1 || status=$?
      if [ "$status" -eq 0 ] && grep -q "^PASS sbi/$kernel" "$work/qemu-sbi.log" && ! grep -q FAIL "$work/qemu-sbi.log"; then
        return 0
      fi
      echo "check-firmware: guests/sbi/$kernel.c on QEMU ($*): attempt $attempt failed, exit $status" >&2
    done
    cat "$work/qemu-sbi.log" >&2
    echo "check-firmware: FAILED: guests/sbi/$kernel.c under the SBI firmware on QEMU ($*), exit $status" >&2
    exit 1
  }
  sbi_on_qemu legacy L -cpu rv64,sstc=off -smp 1
  sbi_on_qemu hsm "" -smp 4
else
  echo "check-firmware: qemu-system-riscv64 not found, hand-off test skipped"
fi

echo "check-firmware: OK: BootROM.swift matches firmware/bootrom.S ($(wc -c <"$work/first/bootrom.bin") bytes)"
echo "check-firmware: OK: PagodaFirmware.swift matches firmware/sbi/ ($(wc -c <"$work/first/pagoda-sbi.bin") bytes)"
