"""bench/import_spliit.py: its group's two exports read to the same balances (so the
bench measures a reader that does the whole job), and it prints a row per shape."""

from __future__ import annotations

import json
from pathlib import Path

from bench import import_spliit
from splitledger.interop import spliit
from splitledger.interop.imported import ReadOptions


def test_the_bench_group_reads_the_same_from_both_exports(tmp_path: Path) -> None:
    data = import_spliit.group(300)
    from_csv = spliit.read(import_spliit.write_csv(data), ReadOptions())
    from_json = spliit.read(json.dumps(data).encode(), ReadOptions())
    assert len(from_csv.transactions) == 300
    assert from_csv.totals == from_json.totals
    assert [t.postings for t in from_csv.transactions] == [
        t.postings for t in from_json.transactions
    ]
    rows = import_spliit.measure(200, 1, tmp_path)
    assert [r[0] for r in rows] == ["CSV export", "JSON export"]
