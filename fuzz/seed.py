#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/seed-*.

    fuzz/seed.py [RELIEF_LEDGER_BINARY]

`read` seeds are the test and example files (tests/data/**, examples/data/**), each behind the
three header bytes that choose its format, role and grouping keys (see ops::read_input in
fuzz/src/ops.rs), the example's entries and reports as one input read by a loader, and the
example's entries converted to json, jsonl and hxl by the binary (default target/debug/relief-ledger).
`parse` seeds are values as files write them; `values` seeds are fixed pseudo-random bytes.
"""

import pathlib
import random
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
FORMATS = {"csv": 0, "json": 1, "jsonl": 2, "hxl": 3}
ROLES = {"any": 0, "entries": 1, "reports": 2}
SEPARATOR = b"\n\x00\x00\n"
# Keys kind, to, month (bits 1, 5, 8 of the u16 after byte 0), running totals by day.
KEYS = (1 << 1 | 1 << 5 | 1 << 8).to_bytes(2, "little")


def header(fmt, role="any", second=None):
    b0 = FORMATS[fmt] | ROLES[role] << 2
    keys = bytearray(KEYS)
    if second is not None:
        code = FORMATS[second[0]] | ROLES[second[1]] << 2
        b0 |= 0x10 | (code & 7) << 5
        keys[0] |= code >> 3
    return bytes([b0]) + bytes(keys)


def save(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_bytes(data)


def main():
    binary = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "debug" / "relief-ledger"
    for target in ("read", "parse", "values"):
        for old in (CORPUS / target).glob("seed-*"):
            old.unlink()
    files = sorted(p for d in ("tests/data", "examples/data") for p in (ROOT / d).rglob("*") if p.is_file())
    for p in files:
        ext = p.suffix.lstrip(".")
        if ext not in FORMATS:
            continue
        stem = str(p.relative_to(ROOT)).replace("/", "-")
        data = p.read_bytes()
        role = "reports" if p.name.startswith("reports") else "any"
        save("read", stem, header(ext, role) + data)
        if ext == "csv" and "hxl" in p.parts:
            save("read", stem + ".as-hxl", header("hxl") + data)
    example = ROOT / "examples" / "data" / "karabakh-2021"
    entries = (example / "entries.csv").read_bytes()
    reports = (example / "reports.csv").read_bytes()
    save("read", "karabakh-loader", header("csv", "entries", ("csv", "reports")) + entries + SEPARATOR + reports)
    for fmt in ("json", "jsonl", "hxl"):
        out = subprocess.run(
            [str(binary), "convert", str(example / "entries.csv"), "--to", fmt], check=True, capture_output=True
        ).stdout
        save("read", f"karabakh-entries.{fmt}", header(fmt) + out)
        out = subprocess.run(
            [str(binary), "convert", str(example / "reports.csv"), "--to", fmt], check=True, capture_output=True
        ).stdout
        save("read", f"karabakh-reports.{fmt}", header(fmt, "reports") + out)
    values = [
        "1581", "0.5", "1,581", "1 581", "-12", "+3.25", "9.0000000000000000000000000000",
        "79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001",
        "2020-12-02", "2020-12", "2020", "0000-01-01", "9999-12-31", "2021-02-30",
        "2020-12..2021-06", "..2021", "2020-12-02..", "..",
        "145 t", "1500 kg", "12 persons", "3 packages", "2 ha", "5 km2", "7 m3", "10 km", "4 items",
        "kind,to,month", "category,item,from,via,region,quarter,year",
        "exact", "about", "more-than", "at-least", "nearly", "at-most", "check", "fill",
        "cargo", "returnees", "detainee-transfer", "remains-transfer", "minefield-maps", "demining",
        "humanitarian", "construction-material", "pow", "area-cleared",
        "csv", "json", "jsonl", "hxl", "kind=returnees", "unit\npersons", "tolerance=0.5",
    ]
    for i, v in enumerate(values):
        save("parse", f"{i:02}", v.encode())
    rng = random.Random(7)
    for i in range(8):
        save("values", f"{i}", bytes(rng.randrange(256) for _ in range(64 << i % 4)))


if __name__ == "__main__":
    main()
