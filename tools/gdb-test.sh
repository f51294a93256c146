#!/usr/bin/env bash
# Debugs guests/demo/gdb_target.c on Pagoda with a real GDB (gdb-multiarch) through
# `pagoda run --gdb`, and checks what GDB prints: a breakpoint on a function, registers,
# memory, stepi, a watchpoint, a hardware breakpoint, harts as threads, the monitor commands, detaching (the
# guest then runs to its end and passes), disconnecting, and kill.
#
#   PAGODA=path/to/pagoda GDB=gdb-multiarch tools/gdb-test.sh
#
# Prints one line per check and "N passed, M failed"; exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PAGODA=${PAGODA:-.build/release/pagoda}
GDB=${GDB:-gdb-multiarch}
ELF=guests/build/demo/gdb_target.elf
[ -x "$PAGODA" ] || { echo "gdb-test: $PAGODA not built (swift build -c release)" >&2; exit 2; }
command -v "$GDB" >/dev/null || { echo "gdb-test: $GDB not found (apt-get install gdb-multiarch)" >&2; exit 2; }
make -s -C guests build/demo/gdb_target.elf || { echo "gdb-test: cannot build $ELF" >&2; exit 2; }

work=$(mktemp -d)
pagoda_pid=""
cleanup() {
  if [ -n "$pagoda_pid" ] && kill -0 "$pagoda_pid" 2>/dev/null; then kill "$pagoda_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0

check() {  # check DESCRIPTION FILE EXTENDED-REGEX
  if grep -Eq -- "$3" "$2"; then
    echo "ok    $1"; passed=$((passed + 1))
  else
    echo "FAIL  $1 (no match for /$3/ in $(basename "$2"))"; failed=$((failed + 1))
  fi
}

check_value() {  # check_value DESCRIPTION GOT WANT
  if [ "$2" = "$3" ]; then
    echo "ok    $1"; passed=$((passed + 1))
  else
    echo "FAIL  $1 (got '$2', want '$3')"; failed=$((failed + 1))
  fi
}

# Starts pagoda in the background on a port the system picks (--gdb 0) and sets $port
# from its "waiting for GDB on HOST:PORT" line.
start_pagoda() {  # start_pagoda NAME [pagoda run options...]
  local name=$1; shift
  "$PAGODA" run --gdb 0 "$@" "$ELF" > "$work/$name.out" 2> "$work/$name.err" < /dev/null &
  pagoda_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*waiting for GDB on .*:\([0-9][0-9]*\)$/\1/p' "$work/$name.err")
    [ -n "$port" ] && return 0
    kill -0 "$pagoda_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "gdb-test: pagoda did not start listening:" >&2
  cat "$work/$name.err" >&2
  exit 1
}

# Runs GDB on a script (after connecting) and waits for pagoda; sets $status to its exit status.
run_session() {  # run_session NAME  (reads the GDB commands from standard input)
  local name=$1
  {
    echo "set architecture riscv:rv64"
    echo "set pagination off"
    echo "set confirm off"
    echo "target remote 127.0.0.1:$port"
    cat
  } > "$work/$name.gdb"
  timeout 120 "$GDB" -nx -batch -x "$work/$name.gdb" "$ELF" > "$work/$name.log" 2>&1
  local waited=0
  while kill -0 "$pagoda_pid" 2>/dev/null && [ $waited -lt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pagoda_pid" 2>/dev/null; then
    kill "$pagoda_pid"; echo "gdb-test: pagoda did not exit after the $name session" >&2
  fi
  wait "$pagoda_pid"; status=$?
  pagoda_pid=""
}

# 1. The main session: four harts (1-3 held by the mailbox), the program stopped in S-mode.
start_pagoda main --harts 4
run_session main <<'EOF'
echo ==break\n
break gdb_tick
continue
info registers pc
p $a0
p $priv
x/4wx &gdb_counter
echo ==stepi\n
set $before = $pc
stepi
printf "stepi advanced pc by %d\n", $pc - $before
echo ==watch\n
watch gdb_counter
continue
delete
echo ==hbreak\n
hbreak gdb_tick
continue
delete
echo ==threads\n
info threads
thread 2
info registers pc
thread 1
echo ==tlb\n
monitor tlb
echo ==translate\n
eval "monitor translate 0x%lx", &gdb_counter
echo ==stats\n
monitor stats
echo ==detach\n
detach
EOF
log=$work/main.log
check "breakpoint on gdb_tick is hit with n = 1" "$log" 'Breakpoint 1, gdb_tick \(n=1\)'
check "info registers pc shows gdb_tick" "$log" '^pc +0x[0-9a-f]+[[:space:]]+0x[0-9a-f]+ <gdb_tick(\+[0-9]+)?>'
check "p \$a0 is the argument, 1" "$log" '^\$1 = 1$'
check "p \$priv is S-mode (1)" "$log" '^\$2 = 1$'
check "x/4wx reads gdb_counter (still 0)" "$log" '<gdb_counter>:[[:space:]]+0x00000000[[:space:]]+0x00000000'
check "stepi advances pc by one instruction" "$log" '^stepi advanced pc by (2|4)$'
check "watch gdb_counter is a hardware watchpoint" "$log" '^Hardware watchpoint 2: gdb_counter'
check "the watchpoint triggers on the store of 1" "$log" '^New value = 1$'
check "a hardware breakpoint stops at the next call" "$log" 'Breakpoint 3, gdb_tick \(n=2\)'
check "info threads lists four harts" "$log" '^ +4 +Thread 4 \(hart 3 held\)'
check "thread 1 is hart 0 in S-mode with Sv39" "$log" 'Thread 1 \(hart 0 S-mode sv39\)'
check "thread 2 can be selected" "$log" 'Switching to thread 2'
check "a held hart sits at the reset vector" "$log" '^pc +0x1000[[:space:]]'
check "monitor tlb lists ITLB entries" "$log" '^ITLB \(32 entries, 32-way, lru\): [1-9][0-9]* valid'
check "monitor tlb shows a 4K data page" "$log" '^  va 0x[0-9a-f]{16}-0x[0-9a-f]{16} 4K asid 0x0000 - pte DA--XWRV pa 0x'
check "monitor translate walks three levels" "$log" '^  level 0: pte at 0x[0-9a-f]{16} = 0x[0-9a-f]{16} DA--XWRV leaf 4K'
check "monitor translate gives the physical address" "$log" '^  store: \[sv39\] pa 0x00000000800'
check "monitor stats prints the statistics" "$log" '"instructions_executed" : [0-9]+'
check "detach" "$log" 'Inferior 1 \(Remote target\) detached'
check_value "after detach the guest runs to its end (exit status)" "$status" 0
check "after detach the guest passes" "$work/main.out" '^PASS gdb_target$'

# 2. A debugger that disconnects without detaching: the machine runs on to its end.
start_pagoda disconnect
run_session disconnect <<'EOF'
break gdb_tick
continue
disconnect
EOF
check "disconnect: stopped at the breakpoint first" "$work/disconnect.log" 'Breakpoint 1, gdb_tick'
check_value "disconnect: the guest runs to its end (exit status)" "$status" 0
check "disconnect: the guest passes" "$work/disconnect.out" '^PASS gdb_target$'

# 3. kill ends the machine (exit status 130, as for quitting from the console).
start_pagoda kill
run_session kill <<'EOF'
stepi
kill
EOF
check "kill" "$work/kill.log" 'Inferior 1 \(Remote target\) killed'
check_value "kill: pagoda exits with status 130" "$status" 130

if [ "$failed" -gt 0 ]; then
  for f in "$work"/*.log "$work"/*.err; do echo "---- $(basename "$f")"; cat "$f"; done >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
