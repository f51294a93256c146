#!/usr/bin/env bash
# Sets up, builds, and boots the bundled demo guest on a 4-hart machine.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
make -s -C guests
swift build -c release
exec .build/release/pagoda run --harts "${HARTS:-4}" guests/build/demo/smp_hello.elf
