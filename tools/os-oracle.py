#!/usr/bin/env python3
"""Host-side oracle for the teaching kernel's page replacement (guests/os/kernel/mm/replace.c).

Replays a reference string through FIFO, second chance (clock), aging, NRU and the offline
optimal, with exactly the kernel's rules (local replacement, frames=N per process, the same
tie-breaks, the same clock ticks), and prints the faults, the swap-ins (faults on pages that
have a copy in swap), the swap-outs (dirty evictions) and the clean drops.

  os-oracle.py --policy fifo --frames 3 --refs "0 1 2 3 0 1 4 0 1 2 3 4"
  os-oracle.py --policy aging --frames 4 --tick 8 --gen 7:200:12
  os-oracle.py --table --refs "..."        # every policy for frames 1..8

A reference is a page number, with a trailing "w" for a write (refs also take commas).
--gen SEED:LENGTH:PAGES generates the string the replayer (guests/os/user/replay.c) does.
"""
import argparse
import json
import sys

POLICIES = ["fifo", "clock", "aging", "nru", "opt"]
MASK64 = (1 << 64) - 1


def parse_refs(text):
    refs = []
    for tok in text.replace(",", " ").split():
        write = tok.endswith("w")
        page = int(tok[:-1] if write else tok)
        refs.append((page, write))
    return refs


def generate(seed, length, pages):
    """The replayer's generator: xorshift64, mostly steps of -1..2 pages, 1 in 8 a jump,
    a quarter of the references writes."""
    rng = (seed * 2654435761 + 1) & MASK64
    page, refs = 0, []
    for _ in range(length):
        rng ^= (rng << 13) & MASK64
        rng ^= rng >> 7
        rng ^= (rng << 17) & MASK64
        r = rng
        if r % 8 == 0:
            page = (r >> 8) % pages
        else:
            page = (page + pages + (r >> 4) % 4 - 1) % pages
        refs.append((page, (r >> 20) % 4 == 0))
    return refs


def simulate(refs, policy, frames, tick=0):
    slots = []          # each: dict(page, seq, a, d, age)
    hand = 0
    seq = 0
    has_copy = set()    # pages with a copy in swap
    faults = swap_in = swap_out = dropped = 0
    for i, (page, write) in enumerate(refs):
        slot = next((s for s in slots if s["page"] == page), None)
        if slot is None:
            faults += 1
            if page in has_copy:
                swap_in += 1
            if len(slots) < frames:
                index = len(slots)
                slots.append(None)
            else:
                index = choose(slots, policy, refs, i, hand)
                if policy in ("fifo", "clock") or (policy == "opt" and index is None):
                    index, hand = advance(slots, policy, hand)
                victim = slots[index]
                if victim["d"]:
                    swap_out += 1
                    has_copy.add(victim["page"])
                else:
                    dropped += 1
            slot = {"page": page, "seq": seq, "a": False, "d": False, "age": 0}
            seq += 1
            slots[index] = slot
        slot["a"] = True
        if write:
            slot["d"] = True
        if tick and (i + 1) % tick == 0 and policy in ("aging", "nru"):
            for s in slots:
                if policy == "aging":
                    s["age"] = (s["age"] >> 1) | (0x80 if s["a"] else 0)
                s["a"] = False
    return {"faults": faults, "swap_in": swap_in, "swap_out": swap_out, "dropped": dropped}


def advance(slots, policy, hand):
    n = len(slots)
    if policy == "clock":
        while slots[hand]["a"]:
            slots[hand]["a"] = False
            hand = (hand + 1) % n
    return hand, (hand + 1) % n


def choose(slots, policy, refs, i, hand):
    if policy == "nru":
        return min(range(len(slots)), key=lambda k: (2 * slots[k]["a"] + slots[k]["d"], slots[k]["seq"]))
    if policy == "aging":
        return min(range(len(slots)), key=lambda k: ((256 if slots[k]["a"] else 0) + slots[k]["age"], slots[k]["seq"]))
    if policy == "opt":
        def next_use(k):
            for j in range(i + 1, len(refs)):
                if refs[j][0] == slots[k]["page"]:
                    return j
            return float("inf")
        return max(range(len(slots)), key=lambda k: (next_use(k), -slots[k]["seq"]))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--policy", choices=POLICIES, default="fifo")
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--tick", type=int, default=0, help="a clock tick every N references (aging, NRU)")
    ap.add_argument("--refs", help="the reference string")
    ap.add_argument("--gen", help="SEED:LENGTH:PAGES, the replayer's generated string")
    ap.add_argument("--table", action="store_true", help="every policy for frames 1..8")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.refs is not None:
        refs = parse_refs(args.refs)
    elif args.gen:
        seed, length, pages = (int(x) for x in args.gen.split(":"))
        refs = generate(seed, length, max(pages, 1))
    else:
        ap.error("give --refs or --gen")
    if args.table:
        print("frames " + " ".join(f"{p:>6}" for p in POLICIES))
        for f in range(1, 9):
            print(f"{f:>6} " + " ".join(f"{simulate(refs, p, f, args.tick)['faults']:>6}" for p in POLICIES))
        return
    result = simulate(refs, args.policy, args.frames, args.tick)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"faults {result['faults']} swap-in {result['swap_in']} swap-out {result['swap_out']} dropped {result['dropped']}")


if __name__ == "__main__":
    sys.exit(main())
