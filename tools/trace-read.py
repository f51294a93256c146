#!/usr/bin/env python3
"""Converts a binary trace (pagoda run --trace FILE --trace-format binary) to JSON lines,
the records --trace-format jsonl writes, without "text" (tools/trace.schema.json).

    tools/trace-read.py TRACE.bin [-o OUT.jsonl]

The record layout is documented in Sources/PagodaDebug/InstructionTracer+Binary.swift
and in the README ("Structured traces")."""
import argparse
import json
import struct
import sys

MAGIC = b"PGTR"
VERSION = 1
MODES = {0: "U", 1: "S", 3: "M"}
REGISTERS = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
             "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]
KINDS = {0: "load", 1: "store", 2: "amo"}


class TraceError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            raise TraceError(f"record cut short at byte {self.at}")
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values if len(values) > 1 else values[0]

    def string(self):
        length = self.take("<B")
        if self.at + length > len(self.data):
            raise TraceError(f"string cut short at byte {self.at}")
        text = self.data[self.at:self.at + length].decode("utf-8", "replace")
        self.at += length
        return text


def mode(code, at):
    if code not in MODES:
        raise TraceError(f"bad privilege mode {code} at byte {at}")
    return MODES[code]


def hexs(value):
    return f"0x{value:x}"


def instruction(r):
    start = r.at - 1
    hart, m, flags, n, pc, raw, count = r.take("<BBBQQIB")
    record = {"type": "insn", "n": n, "hart": hart, "mode": mode(m, start), "pc": hexs(pc), "raw": hexs(raw), "regs": {}}
    for _ in range(count):
        reg, value = r.take("<BQ")
        if not 1 <= reg <= 31:
            raise TraceError(f"bad register number {reg} at byte {r.at - 9}")
        record["regs"][REGISTERS[reg]] = hexs(value)
    if flags & 1:
        kind, size, depth, asid, va = r.take("<BBBHQ")
        if kind not in KINDS:
            raise TraceError(f"bad access kind {kind} at byte {start}")
        translated, missed = flags & 4, flags & 8
        mem = {"kind": KINDS[kind], "va": hexs(va), "pa": None, "size": size, "asid": asid,
               "tlb": ("miss" if missed else "hit") if translated else "none", "walk_depth": depth}
        if flags & 2:
            mem["pa"] = hexs(r.take("<Q"))
        if flags & 128:
            mem["value"] = hexs(r.take("<Q"))
        record["mem"] = mem
    if flags & 16:
        number = r.take("<H")
        name = r.string()
        record["csr"] = {"number": number, "name": name, "value": hexs(r.take("<Q"))}
    if flags & 32:
        record["mode_after"] = mode(r.take("<B"), r.at - 1)
    if flags & 64:
        record["cycles"] = r.take("<Q")
    return record


def trap(r):
    start = r.at - 1
    hart, m, to, interrupt, code, n, epc, tval, handler = r.take("<BBBBQQQQQ")
    return {"type": "trap", "n": n, "hart": hart, "mode": mode(m, start), "interrupt": interrupt == 1, "code": code,
            "name": r.string(), "epc": hexs(epc), "tval": hexs(tval), "to_mode": mode(to, start), "handler": hexs(handler)}


def records(data):
    if data[:4] != MAGIC:
        raise TraceError("not a Pagoda binary trace (no PGTR header)")
    if len(data) < 8:
        raise TraceError("header cut short")
    version = struct.unpack_from("<H", data, 4)[0]
    if version != VERSION:
        raise TraceError(f"trace format version {version}; this reader knows {VERSION}")
    r = Reader(data)
    r.at = 8
    while r.at < len(data):
        kind = r.take("<B")
        if kind == 1:
            yield instruction(r)
        elif kind == 2:
            yield trap(r)
        else:
            raise TraceError(f"unknown record kind {kind} at byte {r.at - 1}")


def main():
    parser = argparse.ArgumentParser(description="Convert a Pagoda binary trace to JSON lines.")
    parser.add_argument("trace")
    parser.add_argument("-o", "--output", help="write here instead of standard output")
    args = parser.parse_args()
    try:
        with open(args.trace, "rb") as f:
            data = f.read()
        out = open(args.output, "w") if args.output else sys.stdout
        for record in records(data):
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
        if args.output:
            out.close()
    except TraceError as e:
        sys.exit(f"trace-read: {args.trace}: {e}")
    except OSError as e:
        sys.exit(f"trace-read: {e}")


if __name__ == "__main__":
    main()
