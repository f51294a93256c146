# Sourced by the gen-*-swift.sh scripts: symbol NAME prints the value of NAME in the
# ELF file $elf as a decimal number (llvm-nm, or $NM), or fails through fail().
symbol() {
  value=$("${NM:-llvm-nm}" "$elf" | awk -v name="$1" '$3 == name { print $1 }')
  [ -n "$value" ] || fail "symbol $1 not found in $elf"
  printf '%d' "0x$value"
}
