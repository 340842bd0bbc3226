"""The import bench per format (issue 18): every registered reader that has a generator
here, at 100,000 rows, as a whole process first, against the bench's floor.

For each format: write a file of N rows in that format (deterministic, 10 members),
then time `splitledger --db NEW.db import Bench FILE --format FMT` as a whole process
(wall; peak RSS by /usr/bin/time), and compare with the floor of the import bench
(`write_path.schema_floor`: every row the ledger keeps for the same transactions,
precomputed, `executemany` into our real schema) built from the transactions the reader
itself returns (read in this process, off the clock). The two run in turn, `--runs`
rounds, each import into a new database; the figures are medians (the machines here
are shared and noisy). Each
format's floor is its own: Spliit's and the generic CSV's transactions keep a payer's
gross postings (four rows where Splitwise's net cells give three). Secondary: the reader alone,
in-process (rows/s), which is the part of the import each format adds.

    .venv/bin/python -m bench.import_formats [--rows 100000] [--runs 3] [--formats spliit,…]

Goals, as bench/run.py's import row: the whole-process import ≥ 25 % of that floor
(proposed there), peak memory ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import datagen, write_path
from bench.run import EXE, Row, _timed_child
from splitledger.domain import format_amount
from splitledger.interop import formats
from splitledger.interop.imported import ReadOptions
from splitledger.services.inputs import ImportEntry

MEMBERS = datagen.MEMBERS
CURRENCY = datagen.CURRENCY
#: The generic CSV's mapping for the generated sheet.
CSV_MAP = "date=Date,description=Description,amount=Amount,payer=Paid by,participants=For,"
CSV_MAP += "currency=Currency,category=Category"


def _money(minor: int) -> str:
    return format_amount(minor, CURRENCY, grouping=False)


def _expenses(count: int, seed: int) -> list[tuple[str, str, str, int, str, list[str]]]:
    """(date, description, category, amount, payer, participants) for `count` rows: the
    payer among three participants, every 25th a reimbursement between two."""
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        day = datagen.START.toordinal() + i // 50
        date = datagen.START.fromordinal(day).isoformat()
        if i % 25 == 24:
            payer, payee = rnd.sample(MEMBERS, 2)
            rows.append(
                (date, f"{payer} paid {payee}", "", rnd.randint(100, 20000), payer, [payee])
            )
            continue
        who = rnd.sample(MEMBERS, 3)
        amount = rnd.randint(200, 50000)
        rows.append((date, f"Expense {i}", datagen.CATEGORIES[i % 5], amount, who[0], who))
    return rows


def _even(amount: int, count: int) -> list[int]:
    """`amount` in `count` shares that add up to it (the first ones take the odd cents)."""
    base, odd = divmod(amount, count)
    return [base + (1 if i < odd else 0) for i in range(count)]


def write_spliit_csv(path: Path, count: int, *, seed: int = 2026) -> None:
    """Spliit's CSV export (Export → CSV), as its reader documents it: a BOM, the fixed
    columns, then each participant's share, positive for the payer."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        out.writerow(
            ["Date", "Description", "Category", "Currency", "Cost", "Original cost",
             "Original currency", "Conversion rate", "Is Reimbursement", "Split mode",
             *MEMBERS]
        )  # fmt: skip
        for date, description, category, amount, payer, who in _expenses(count, seed):
            # A reimbursement's payer has 0 in the CSV, as everyone left out: with ten
            # members the reader cannot tell who paid (it names the JSON export). So the
            # payer shares every row here.
            who = who if payer in who else [payer, *who]
            cells = dict.fromkeys(MEMBERS, "0")
            for name, share in zip(who, _even(amount, len(who)), strict=True):
                cells[name] = _money(share if name == payer else -share)
            out.writerow(
                [date, description, category, CURRENCY, _money(amount), "", "", "", "No",
                 "Evenly", *cells.values()]
            )  # fmt: skip


def write_generic_csv(path: Path, count: int, *, seed: int = 2026) -> None:
    """A spreadsheet for `--format csv --map CSV_MAP`: one row per bill, who paid, for
    whom (a ; list)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Date", "Description", "Category", "Amount", "Currency", "Paid by", "For"])
        for date, description, category, amount, payer, who in _expenses(count, seed):
            out.writerow(
                [date, description, category, _money(amount), CURRENCY, payer, ";".join(who)]
            )


def write_splitwise_csv(path: Path, count: int, *, seed: int = 2026) -> None:
    datagen.write_splitwise_csv(path, count, seed=seed)


#: format -> (file name, generator, extra arguments of `import`)
GENERATORS: dict[str, tuple[str, Callable[[Path, int], None], tuple[str, ...]]] = {
    "splitwise": ("splitwise.csv", write_splitwise_csv, ()),
    "spliit": ("spliit.csv", write_spliit_csv, ()),
    "csv": ("sheet.csv", write_generic_csv, ("--map", CSV_MAP)),
}


def _mapping() -> dict[str, str]:
    from splitledger.services.interchange import parse_mapping

    return parse_mapping(CSV_MAP)


def bench_format(fmt: str, rows: int, tmp: str, env: dict[str, str], runs: int) -> list[Row]:
    """`runs` rounds of the whole-process import (a new database each) and the floor,
    interleaved; medians, and the largest peak."""
    name, generate, extra = GENERATORS[fmt]
    path = Path(tmp) / name
    generate(path, rows)
    data = path.read_bytes()
    options = ReadOptions(mapping=_mapping() if fmt == "csv" else None)
    start = time.perf_counter()
    parsed = formats.read(fmt, data, options)
    reader = rows / (time.perf_counter() - start)
    entries = [ImportEntry(tx) for tx in parsed.transactions]
    del parsed, data
    ours, floors, peak = [], [], 0
    for round_ in range(runs):
        db = str(Path(tmp) / f"{fmt}-{round_}.db")
        argv = [str(EXE), "--db", db, "import", "Bench", str(path), "--format", fmt, *extra]
        seconds, rss = _timed_child(argv, env, 1)
        ours.append(rows / seconds)
        peak = max(peak, rss) if rss >= 0 else -1
        floors.append(write_path.schema_floor(entries, tempfile.mkdtemp(dir=tmp)))
    del entries
    mid, floor = statistics.median(ours), statistics.median(floors)
    spread = f" ({min(ours):,.0f}–{max(ours):,.0f})" if runs > 1 else ""
    label = f"import {rows:,}-row {fmt} file (CLI, whole process)"
    return [
        Row(label, f"{mid:,.0f} rows/s{spread}", f"{floor:,.0f} rows/s (floor)",
            f"{mid / floor:.0%}", "≥ 25 % of the floor", mid / floor >= 0.25),
        Row("… peak memory of that import", f"{peak} MB", "—", "—", "≤ 200 MB",
            None if peak < 0 else peak <= 200),
        Row(f"… the {fmt} reader alone (in-process, no writes)", f"{reader:,.0f} rows/s",
            f"{floor:,.0f} rows/s (floor)", f"{reader / floor:.0%}", "—", None),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="rounds per format (medians)")
    parser.add_argument(
        "--formats",
        default=",".join(f for f in formats.READERS if f in GENERATORS),
        help="comma-separated (default: every registered reader with a generator)",
    )
    args = parser.parse_args()
    chosen = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in GENERATORS or f not in formats.READERS]
    if unknown:
        parser.error(f"no generator or reader for {', '.join(unknown)}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPLITLEDGER_LOG_DIR": tmp}
        for fmt in chosen:
            print(f"… {fmt}", file=sys.stderr, flush=True)
            rows.extend(bench_format(fmt, args.rows, tmp, env, args.runs))
    print("| benchmark | splitledger | baseline (same run) | ratio | goal | goal met |")
    print("|---|---|---|---|---|---|")
    print("\n".join(r.line() for r in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
