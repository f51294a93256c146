#!/usr/bin/env bash
# Attribution on a whole OS: boots the teaching kernel (guests/os) on 2 harts with
# --attribute, each user program's symbols bound to its process's ASID (--symbols
# FILE@ASID; the kernel gives process N ASID N, in the order of run=), and checks:
#   - every breakdown adds up exactly to the hart totals (tools/attribution-check.py),
#     and the programs' U-mode walk cycles are all named by their own functions;
#   - `pagoda report` names the processes and puts mstress (heap churn under frames=8)
#     first, and names the kernel's own functions;
#   - `pagoda report --plot` draws the flame chart and the miss-rate series;
#   - --check-tlb finds no stale translation while the kernel pages and forks.
# About 8 s with a release build. Prints "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
pagoda=.build/release/pagoda
[ -x "$pagoda" ] || swift build -c release --product pagoda >/dev/null
make -s -C guests os >/dev/null || { echo "attribution-test: make -C guests os failed"; exit 1; }
user=guests/build/os/user
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# pid 1 matrix, 2 sweep, 3 mstress, 4 forktree and its children 5 onwards.
"$pagoda" run guests/build/os/kernel.elf --harts 2 \
  --bootargs "mm=paging policy=clock frames=8 run=matrix,sweep,mstress,forktree" \
  --attribute --stats "$tmp/os.json" --stats-interval 2000000 \
  --symbols "$user/matrix.elf@1" --symbols "$user/sweep.elf@2" --symbols "$user/mstress.elf@3" \
  --symbols "$user/forktree.elf@4-64" > "$tmp/os.log" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -aq "^\[kernel\] total:" "$tmp/os.log"; then pass "teaching kernel: ran the workload"
else fail "teaching kernel: exit status $status: $(tail -n 3 "$tmp/os.log")"; fi

if python3 tools/attribution-check.py "$tmp/os.json" --program 1=matrix --program 2=sweep --program 3=mstress \
     --program 4=forktree --program 5=forktree --source mstress.elf --source forktree.elf > "$tmp/check.txt"; then
  pass "teaching kernel: $(cat "$tmp/check.txt" | sed 's/^attribution-check: [^:]*: //')"
else fail "teaching kernel: $(cat "$tmp/check.txt")"; fi

"$pagoda" report "$tmp/os.json" --top 5 > "$tmp/report.txt" 2>&1
# The first row of hart 0's process table.
first=$(grep -A2 "processes (ASIDs, all modes) by walk cycles" "$tmp/report.txt" | sed -n 3p)
if [[ "$first" == *"asid 3 (mstress)"* ]]; then pass "report: mstress's address space costs most walk cycles"
else fail "report: the top process is not mstress: '$first'"; fi
if grep -q "main \[mstress.elf\]" "$tmp/report.txt" && grep -q "asid 2 (sweep)" "$tmp/report.txt"; then
  pass "report: names processes and their functions"
else fail "report: no process or function names"; fi
# The kernel's own functions (the booted ELF's symbols): S-mode rows under ASID 0.
if python3 - "$tmp/os.json" <<'PY'
import json, sys
rows = [r for h in json.load(open(sys.argv[1]))["harts"] for r in h["attribution"]["by_space_function"]]
sys.exit(0 if any(r["mode"] == "S" and r["function"] not in ("?", "") and "source" not in r for r in rows) else 1)
PY
then pass "report: names the kernel's functions"; else fail "report: no kernel function named"; fi

is_png() { [ -s "$1" ] && head -c 8 "$1" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a"; }
if "$pagoda" report "$tmp/os.json" --plot "$tmp/plots" > "$tmp/plot.txt" 2>&1 \
   && is_png "$tmp/plots/walk-cycles-flame.png" && is_png "$tmp/plots/tlb-miss-rate.png"; then
  pass "report --plot: walk-cycles-flame.png and tlb-miss-rate.png"
else fail "report --plot: $(tail -n 3 "$tmp/plot.txt")"; fi
if "$pagoda" report "$tmp/os.json" --plot "$tmp/plots2" 2>/dev/null | grep -q "shootdown"; then
  fail "report --plot: drew shootdowns without a shootdowns section"
else pass "report --plot: no shootdown picture without a shootdowns section"; fi

# --check-tlb on the kernel: its page-outs and exits change live PTEs, and each change is
# followed by the sfence.vma that covers it, so the detector stays silent.
"$pagoda" run guests/build/os/kernel.elf --harts 2 --bootargs "mm=paging policy=clock frames=8 run=sweep,forktree" \
  --check-tlb --stats "$tmp/check-tlb.json" > "$tmp/check-tlb.log" 2>&1
status=$?
if [ "$status" -eq 0 ] && ! grep -q "stale TLB entry" "$tmp/check-tlb.log" && python3 - "$tmp/check-tlb.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d.get("stale_translations") == [] and any(h["page_faults"] for h in d["harts"]) else 1)
PY
then pass "--check-tlb: the teaching kernel pages and forks with no stale translation"
else fail "--check-tlb: status $status: $(grep -m1 "stale TLB entry" "$tmp/check-tlb.log")"; fi

echo "attribution-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
