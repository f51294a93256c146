#!/usr/bin/env bash
# The whole test suite, from a fresh clone: sets up, builds the firmware check, the
# guests and the emulator, runs the unit and guest tests, then compares every guest's
# output with QEMU's, and drives a real gdb-multiarch against the GDB stub.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
echo "== firmware: rebuild the boot ROM and check the embedded copy"
tools/check-firmware.sh
echo "== guests"
make -s -C guests
echo "== build (release)"
swift build -c release
echo "== unit and guest tests"
swift test
echo "== same output as QEMU"
PAGODA=.build/release/pagoda tools/qemu-compare.sh
echo "== the translation-overhead experiment (a reduced matrix)"
SKIP_BUILD=1 SIZES="64K 16M" PATTERNS=random ACCESSES=64K SPEED_ACCESSES=1M OUT="$(mktemp -d)" tools/xlat-experiment.sh
echo "== the teaching kernel's experiment (reduced: its fault counts must equal tools/os-oracle.py's)"
FRAMES="4 16" HARTS="1 4" POLICIES="fifo clock" REPLAY_FRAMES="3 4" OUT="$(mktemp -d)" tools/os-experiment.sh
echo "== attribution on the teaching kernel: processes by ASID, breakdowns that add up, report --plot"
tools/attribution-test.sh
echo "== a real gdb against the GDB stub"
tools/gdb-test.sh
echo "== Linux 6.1 with Pagoda's /init on 1, 2, 4, 8 harts and under OpenSBI (builds the kernel once, about 4 minutes on 2 cores)"
PAGODA_SKIP_BUILD=1 tools/linux-test.sh
