#!/usr/bin/env python3
"""Validates JSON-lines trace records (pagoda run --trace-format jsonl, or the output of
tools/trace-read.py) against tools/trace.schema.json.

    tools/trace-validate.py TRACE.jsonl [--schema FILE]

Prints the number of records checked, or the first invalid record and why (exit 1)."""
import argparse
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("trace-validate: python3 jsonschema is missing (Debian: python3-jsonschema; tools/setup.sh installs it)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Validate a Pagoda JSON-lines trace against its schema.")
    parser.add_argument("trace")
    parser.add_argument("--schema", default=os.path.join(here, "trace.schema.json"))
    args = parser.parse_args()
    try:
        with open(args.schema) as f:
            schema = json.load(f)
        validator = jsonschema.Draft202012Validator(schema)
        count = 0
        with open(args.trace) as f:
            for number, line in enumerate(f, 1):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"trace-validate: {args.trace}:{number}: not JSON: {e}")
                error = jsonschema.exceptions.best_match(validator.iter_errors(record))
                if error is not None:
                    sys.exit(f"trace-validate: {args.trace}:{number}: {error.message} (at {list(error.absolute_path)})")
                count += 1
    except OSError as e:
        sys.exit(f"trace-validate: {e}")
    print(f"{count} records valid")


if __name__ == "__main__":
    main()
