"""The Spliit reader alone at 100,000 expenses, CSV and JSON, against the floor of any
reader of the same bytes measured in the same run (the CSV decoded and split into cells
by the csv module; the JSON parsed by json.loads), nothing else; then the whole `import`
of the CSV as a process, against the floor of the Splitwise import bench (bench/run.py:
the same rows precomputed, executemany into our schema).

    .venv/bin/python -m bench.import_spliit              # 100,000 expenses
    .venv/bin/python -m bench.import_spliit --rows 2000 --runs 1 --no-process

The group: 10 participants, expenses split evenly, by shares or by amounts among 2 to 5
of them (the payer among them, as Spliit's CSV needs to name the payer), one in 20
converted from another currency. rows/s is the best of `--runs` (CPU time; the machine
is shared); peak memory is tracemalloc's peak of the Python heap during the call, the
file's bytes included, measured in a run of its own; the process's peak is its RSS.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sized
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from splitledger.interop import spliit
from splitledger.interop.imported import ReadOptions
from splitledger.interop.spliit_json import apportion
from splitledger.interop.text import decode

PEOPLE = [{"id": f"p{i:02d}", "name": f"Person {i}"} for i in range(10)]
LABELS = {
    "EVENLY": "Evenly",
    "BY_SHARES": "Unevenly – By shares",
    "BY_AMOUNT": "Unevenly – By amount",
}


def group(rows: int, seed: int = 2026) -> dict[str, Any]:
    """A Spliit group as its JSON export holds it."""
    rnd = random.Random(seed)
    expenses = []
    for i in range(rows):
        who = rnd.sample(PEOPLE, rnd.randint(2, 5))
        mode = ("EVENLY", "BY_SHARES", "BY_AMOUNT")[i % 3]
        amount = rnd.randint(100, 50_000)
        if mode == "BY_AMOUNT":
            cuts = sorted(rnd.sample(range(1, amount), len(who) - 1))
            weights = [b - a for a, b in zip([0, *cuts], [*cuts, amount], strict=True)]
        else:
            weights = [rnd.choice((100, 150, 200)) for _ in who]
        converted = i % 20 == 19
        expenses.append(
            {
                "id": f"exp{i:07d}",
                "expenseDate": f"20{20 + i // 20_000}-0{1 + i % 9}-1{i % 10}T00:00:00.000Z",
                "title": f"Expense {i}",
                "category": {"grouping": "Food and Drink", "name": "Dining Out"},
                "amount": amount,
                "originalAmount": amount * 3 if converted else None,
                "originalCurrency": "PLN" if converted else None,
                "conversionRate": "0.2346" if converted else None,
                "paidById": who[0]["id"],
                "paidFor": [
                    {"participantId": p["id"], "shares": w}
                    for p, w in zip(who, weights, strict=True)
                ],
                "isReimbursement": False,
                "splitMode": mode,
                "recurrenceRule": "NONE",
                "notes": None,
            }
        )
    return {"id": "g", "name": "Bench", "currency": "€", "currencyCode": "EUR",
            "expenses": expenses, "participants": PEOPLE}  # fmt: skip


def _number(minor: int) -> str:
    text = format(Decimal(minor).scaleb(-2).normalize(), "f")
    return "0" if text in ("0", "-0") else text


def write_csv(data: dict[str, Any]) -> bytes:
    """The group as Spliit's CSV export writes it (see tests/interop/spliit_samples.py)."""
    head = ["Date", "Description", "Category", "Currency", "Cost", "Original cost",
            "Original currency", "Conversion rate", "Is Reimbursement", "Split mode"]  # fmt: skip
    lines = [",".join(f'"{c}"' for c in [*head, *(p["name"] for p in PEOPLE)])]
    for e in data["expenses"]:
        pairs = [(p["participantId"], p["shares"]) for p in e["paidFor"]]
        shares = dict(apportion(e["amount"], pairs, e["splitMode"], e["id"]))
        original = e["originalAmount"]
        cells = [
            f'"{e["expenseDate"][:10]}"', f'"{e["title"]}"', f'"{e["category"]["name"]}"',
            '"EUR"', f'"{_number(e["amount"])}"',
            f'"{_number(original)}"' if original else "",
            f'"{e["originalCurrency"]}"' if original else "",
            f'"{e["conversionRate"]}"' if original else "",
            '"No"', f'"{LABELS[e["splitMode"]]}"',
        ]  # fmt: skip
        for p in PEOPLE:
            share = shares.get(p["id"], 0)
            cells.append(_number(share if p["id"] == e["paidById"] else -share))
        lines.append(",".join(cells))
    return b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8")


def csv_floor(data: bytes) -> int:
    """What any CSV reader does: decode and split every line into cells."""
    return sum(1 for _ in csv.reader(decode(data).splitlines()))


def json_floor(data: bytes) -> int:
    return len(json.loads(decode(data))["expenses"])


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


class Read(Protocol):
    """What a reader returns, as far as the bench counts it."""

    @property
    def transactions(self) -> Sized: ...

    @property
    def no_effect(self) -> int: ...


def reader_row(
    name: str, read: Callable[[], Read], floor: Callable[[], object], rows: int, runs: int
) -> tuple[str, str, str, str, str]:
    """(name, reader rows/s, floor rows/s, ratio, peak MB reader / floor): `read` is
    checked to find all `rows` first, then timed and traced against `floor`."""
    found = read()
    assert len(found.transactions) + found.no_effect == rows, name
    ours = rows / best(read, runs)
    base = rows / best(floor, runs)
    mb, base_mb = peak(read), peak(floor)
    return name, f"{ours:,.0f}", f"{base:,.0f}", f"{ours / base:.1%}", f"{mb:,.0f} / {base_mb:,.0f}"


def measure(rows: int, runs: int, folder: Path) -> list[tuple[str, str, str, str, str]]:
    data = group(rows)
    shapes = {
        "CSV export": (write_csv(data), csv_floor),
        "JSON export": (json.dumps(data).encode("utf-8"), json_floor),
    }
    del data
    out = []
    for name, (raw, floor) in shapes.items():
        (folder / f"spliit.{name[:4].lower().strip()}").write_bytes(raw)
        out.append(
            reader_row(
                name, partial(spliit.read, raw, ReadOptions()), partial(floor, raw), rows, runs
            )
        )
    return out


def process(rows: int, folder: Path) -> list[str]:
    """The CLI import of the CSV as a whole process, against bench/run.py's floor."""
    from bench import datagen, write_path
    from bench.run import EXE, _timed_child

    env = dict(os.environ, SPLITLEDGER_LOG_DIR=str(folder / "logs"))
    argv = [str(EXE), "--db", str(folder / "import.db"), "import", "Bench",
            str(folder / "spliit.csv"), "--format", "spliit"]  # fmt: skip
    seconds, rss = _timed_child(argv, env, 1)
    entries = datagen.entries(rows)
    floor = write_path.schema_floor(entries, str(folder))
    ours = rows / seconds
    return [
        f"import {rows:,}-expense Spliit CSV (CLI, whole process): {ours:,.0f} rows/s; "
        f"floor (the Splitwise bench's: rows precomputed, executemany into our schema) "
        f"{floor:,.0f} rows/s; {ours / floor:.0%} of the floor (goal >= 25 %)",
        f"peak memory of that import: {rss} MB (goal <= 200 MB)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-process", action="store_true", help="the reader alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Spliit reader, {args.rows:,} expenses (best of {args.runs}, CPU time)")
        head = ("shape", "reader rows/s", "floor rows/s", "reader/floor", "peak MB reader/floor")
        for cells in [head, *measure(args.rows, args.runs, Path(tmp))]:
            print(" | ".join(cells))
        if not args.no_process:
            for line in process(args.rows, Path(tmp)):
                print(line)


if __name__ == "__main__":
    main()
