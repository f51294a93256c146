# Shared by the scripts that run guests/build/DIR/NAME.elf with what its source asks
# for (source this file).
#
#   guest_source ELF   the source, guests/DIR/NAME.c or .S (nothing if none)
#   guest_flags ELF    the Pagoda flags of the first `PAGODA-FLAGS:` line of its source
#                      (up to a closing `*/`)
#   guest_input ELF    "hello\n" for `uart_input*` guests, which read the console (empty
#                      for the others)

guest_source() {
  local dir name ext
  dir=$(basename "$(dirname "$1")"); name=$(basename "$1" .elf)
  for ext in c S; do [ -f "guests/$dir/$name.$ext" ] && { echo "guests/$dir/$name.$ext"; return 0; }; done
  return 0
}

guest_flags() {
  local src
  src=$(guest_source "$1")
  [ -n "$src" ] || return 0
  grep -m1 -o 'PAGODA-FLAGS:.*' "$src" | sed 's/PAGODA-FLAGS://; s|\*/.*||' || true
}

guest_input() {
  case "$(basename "$1")" in uart_input*) printf 'hello\n' ;; esac
}
