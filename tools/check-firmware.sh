#!/bin/sh
# Rebuilds the boot ROM from firmware/bootrom.S and checks that the committed
# Sources/PagodaDevices/BootROM.swift is exactly what the generator makes of it.
# Also checks that the build is reproducible (two builds, same bytes) and, when
# qemu-system-riscv64 is installed, runs the ROM's hand-off test on QEMU
# (firmware/handoff-test.S).
#
# Needs clang, ld.lld, llvm-objcopy and llvm-nm (the Swift toolchain has them).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
committed="$root/Sources/PagodaDevices/BootROM.swift"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

for build in first second; do
  if ! make -s -C "$root/firmware" BUILD="$work/$build" "$work/$build/BootROM.swift" >"$work/$build.log" 2>&1; then
    cat "$work/$build.log" >&2
    echo "check-firmware: FAILED: the boot ROM does not build from firmware/bootrom.S" >&2
    exit 1
  fi
done

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
else
  echo "check-firmware: qemu-system-riscv64 not found, hand-off test skipped"
fi

echo "check-firmware: OK: BootROM.swift matches firmware/bootrom.S ($(wc -c <"$work/first/bootrom.bin") bytes)"
