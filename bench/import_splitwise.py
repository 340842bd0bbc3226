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
import csv
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench import datagen
from splitledger.interop import splitwise
from splitledger.interop.text import decode

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


def floor(data: bytes) -> int:
    """What any CSV reader does: decode and split every line into cells."""
    return sum(1 for _ in csv.reader(decode(data).splitlines()))


def best(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return min(times)


def peak(call: Callable[[], object]) -> float:
    """MB of Python heap at the call's peak."""
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(rows: int, runs: int) -> list[tuple[str, str, str, str, str]]:
    """(shape, reader rows/s, floor rows/s, ratio, peak MB reader / floor) per shape."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, options) in shapes(rows, Path(tmp)).items():
            read = partial(_parse, data, options)
            found = read()
            assert len(found.transactions) + found.no_effect == rows, name
            ours = rows / best(read, runs)
            base = rows / best(partial(floor, data), runs)
            mb = peak(read)
            base_mb = peak(partial(floor, data))
            out.append(
                (
                    name,
                    f"{ours:,.0f}",
                    f"{base:,.0f}",
                    f"{ours / base:.1%}",
                    f"{mb:,.0f} / {base_mb:,.0f}",
                )
            )
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
