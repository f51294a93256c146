#!/usr/bin/env bash
# Installs what Pagoda needs on a Debian machine that already has the Swift toolchain
# (swift, clang and ld.lld on PATH): libelf for the loader, QEMU as the reference
# machine, dtc for device-tree checks, gdb-multiarch for the debugger tests, and for the
# Linux guest (tools/linux-build.sh) the cross compiler, the kernel source, kconfig's
# flex and bison, bc, cpio and OpenSBI.
set -euo pipefail

packages=(libelf-dev pkg-config make qemu-system-misc device-tree-compiler gdb-multiarch python3 python3-matplotlib python3-jsonschema
          gcc gcc-riscv64-linux-gnu flex bison bc cpio xz-utils linux-source-6.1 opensbi valgrind)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for tool in swift clang ld.lld; do
  command -v "$tool" >/dev/null || { echo "setup: $tool not found: put the Swift toolchain's bin directory on PATH" >&2; exit 1; }
done
