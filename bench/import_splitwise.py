"""The Splitwise reader alone at 100,000 rows, in each shape issue 18 added, against the
floor of any CSV reader measured in the same run: the bytes decoded and split into cells
by the csv module, nothing else.

    .venv/bin/python -m bench.import_splitwise            # 100,000 rows
    .venv/bin/python -m bench.import_splitwise --rows 2000 --runs 1

Shapes: the English group export (bench.datagen's), the German friend export (a `Note:`
line, German headings, `Zahlung`, `Gesamtbilanz`), an old export whose last member left
(no column: every row of theirs is booked through --unbalanced-to) and a file without a
footer (--no-footer). rows/s is the best of `--runs` (CPU time; the machine is shared);
peak memory is tracemalloc's peak of the Python heap during the call, the file's bytes
included, measured in a run of its own (tracing slows the clock).
"""

from __future__ import annotations

import argparse
import tempfile
from functools import partial
from pathlib import Path

from bench import datagen
from bench.import_spliit import csv_floor, reader_row
from splitledger.interop import splitwise

GERMAN = {
    b"Date,Description,Category,Cost,Currency": "Datum,Beschreibung,Kategorie,Kosten,Währung",
    b",Payment,": ",Zahlung,",
    b",Total balance,": ",Gesamtbilanz,",
}


def shapes(rows: int, folder: Path) -> dict[str, tuple[bytes, dict[str, object]]]:
    """{shape: (file bytes, parse keywords)}."""
    path = folder / "group.csv"
    datagen.write_splitwise_csv(path, rows)
    english = path.read_bytes()
    german = b"Note: enthaelt keine Gruppenausgaben\r\n\r\n" + english
    for old, new in GERMAN.items():
        german = german.replace(old, new.encode())
    gone = b"\r\n".join(line.rsplit(b",", 1)[0] for line in english.split(b"\r\n") if line)
    footer = english.rfind(b"\r\n", 0, len(english) - 2)
    return {
        "English group export": (english, {}),
        "German friend export (Note: line)": (german, {}),
        "a member left (--unbalanced-to)": (gone + b"\r\n", {"unbalanced_to": "Former"}),
        "no footer (--no-footer)": (english[: footer + 2], {"no_footer": True}),
    }


def _parse(data: bytes, options: dict[str, object]) -> splitwise.SplitwiseFile:
    return splitwise.parse(
        data,
        unbalanced_to=options.get("unbalanced_to"),  # type: ignore[arg-type]
        no_footer=bool(options.get("no_footer")),
    )


def measure(rows: int, runs: int) -> list[tuple[str, str, str, str, str]]:
    """(shape, reader rows/s, floor rows/s, ratio, peak MB reader / floor) per shape."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, options) in shapes(rows, Path(tmp)).items():
            read = partial(_parse, data, options)
            out.append(reader_row(name, read, partial(csv_floor, data), rows, runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Splitwise reader, {args.rows:,} rows (best of {args.runs}, CPU time)")
    print("| shape | reader rows/s | floor rows/s (csv split) | ratio | peak MB reader / floor |")
    print("|---|---|---|---|---|")
    for row in measure(args.rows, args.runs):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
