#!/usr/bin/env bash
# Builds the Linux guest: a Linux 6.1 Image from Debian's linux-source-6.1, configured from
# `make tinyconfig` plus guests/linux/pagoda.config, and an initramfs holding guests/linux's /init.
#
# Products (guests/build/linux/, ignored by git):
#   Image            arch/riscv/boot/Image
#   vmlinux          the kernel with symbols, for gdb
#   init             the static /init program
#   initramfs.cpio   the uncompressed newc cpio given with --initrd
#
# Extraction and configuration happen again only when the tarball or the fragment change (a stamp
# holds their hashes); make is incremental, so a second run with nothing changed is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
build=$root/guests/build/linux
src=$build/linux-source-6.1
obj=$build/obj
fragment=$root/guests/linux/pagoda.config
jobs=${LINUX_JOBS:-2}
kmake=(make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j"$jobs")

fail() { echo "linux-build: $*" >&2; exit 1; }

[ -r "$tarball" ] || fail "$tarball not found: install linux-source-6.1 (bash tools/setup.sh)"
[ -r "$fragment" ] || fail "$fragment not found"
for tool in riscv64-linux-gnu-gcc flex bison bc cpio; do
  command -v "$tool" >/dev/null || fail "$tool not found: run bash tools/setup.sh"
done

start=$(date +%s)
mkdir -p "$build"

# --- Source and configuration -------------------------------------------------------------------
stamp=$build/config.stamp
want=$( { stat -c '%s %Y' "$tarball"; sha256sum < "$fragment"; } | sha256sum | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)

if [ "$want" != "$have" ] || [ ! -f "$obj/.config" ]; then
  if [ ! -f "$src/Makefile" ] || [ "$(stat -c '%s %Y' "$tarball")" != "$(cat "$build/source.stamp" 2>/dev/null)" ]; then
    echo "linux-build: extracting $tarball"
    rm -rf "$src"
    tar -xf "$tarball" -C "$build"
    [ -f "$src/Makefile" ] || fail "$tarball did not hold linux-source-6.1/"
    stat -c '%s %Y' "$tarball" > "$build/source.stamp"
  fi
  echo "linux-build: configuring (tinyconfig + $(basename "$fragment"))"
  mkdir -p "$obj"
  "${kmake[@]}" -s tinyconfig >/dev/null
  (cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null)
  "${kmake[@]}" -s olddefconfig

  # Every option the fragment sets must have survived olddefconfig's dependency resolution.
  missing=0
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*)
        grep -qxF "$line" "$obj/.config" || {
          echo "linux-build: $line did not end up in .config (got: $(grep "^${line%%=*}=" "$obj/.config" || echo 'not set'))" >&2
          missing=$((missing + 1)); }
        ;;
      "# CONFIG_"*" is not set")
        option=${line#\# }; option=${option%% is not set}
        if grep -q "^$option=" "$obj/.config"; then
          echo "linux-build: $option should be off but .config has $(grep "^$option=" "$obj/.config")" >&2
          missing=$((missing + 1))
        fi
        ;;
    esac
  done < "$fragment"
  [ "$missing" -eq 0 ] || fail "$missing option(s) of $(basename "$fragment") missing from .config"
  echo "$want" > "$stamp"
fi

# --- Kernel ---------------------------------------------------------------------------------------
echo "linux-build: building Image (-j$jobs)"
"${kmake[@]}" -s Image
cp "$obj/arch/riscv/boot/Image" "$build/Image"
cp "$obj/vmlinux" "$build/vmlinux"

# --- /init and the initramfs ----------------------------------------------------------------------
cflags=(-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -O2 -Wall -Wextra -Werror
        -nostdlib -static -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pic -no-pie
        -Wl,--build-id=none -Wl,-z,separate-code -Wl,-z,noexecstack)
riscv64-linux-gnu-gcc "${cflags[@]}" -o "$build/init" \
  "$root/guests/linux/start.S" "$root/guests/linux/init.c"

# gen_init_cpio from the kernel tree writes the archive from a list (usr/gen_init_cpio.c).
if [ ! -x "$build/gen_init_cpio" ] || [ "$src/usr/gen_init_cpio.c" -nt "$build/gen_init_cpio" ]; then
  cc -O2 -o "$build/gen_init_cpio" "$src/usr/gen_init_cpio.c"
fi
cat > "$build/initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $build/init 0755 0 0
EOF
"$build/gen_init_cpio" "$build/initramfs.list" > "$build/initramfs.cpio"

end=$(date +%s)
echo "linux-build: Image $(stat -c %s "$build/Image") bytes, initramfs $(stat -c %s "$build/initramfs.cpio") bytes"
echo "linux-build: done in $((end - start)) s"
