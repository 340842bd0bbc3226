"""bench/import_formats.py: each generator writes a file its reader reads whole (every
row a transaction, reconciled: the totals are the transactions' sums), so the bench
times readers doing the whole job; and a small run prints its three rows per format."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from bench import import_formats
from splitledger.interop import formats
from splitledger.interop.imported import ReadOptions


@pytest.mark.parametrize("fmt", sorted(import_formats.GENERATORS))
def test_each_generator_writes_a_file_its_reader_reads_whole(fmt: str, tmp_path: Path) -> None:
    assert fmt in formats.READERS
    name, generate, _ = import_formats.GENERATORS[fmt]
    path = tmp_path / name
    generate(path, 300)
    mapping = import_formats._mapping() if fmt == "csv" else None
    found = formats.read(fmt, path.read_bytes(), ReadOptions(mapping=mapping))
    assert len(found.transactions) == 300
    assert found.no_effect == 0
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for tx in found.transactions:
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
    assert {k: v for k, v in sums.items() if v} == {k: v for k, v in found.totals.items() if v}
    assert set(found.members) <= set(import_formats.MEMBERS)


def test_a_small_run_prints_three_rows_per_format(tmp_path: Path) -> None:
    env = {**os.environ, "SPLITLEDGER_LOG_DIR": str(tmp_path)}
    rows = import_formats.bench_format("csv", 200, str(tmp_path), env, 1)
    assert [r.name.split(" ")[0] for r in rows] == ["import", "…", "…"]
    assert rows[0].ours.endswith("rows/s")
    assert rows[1].goal == "≤ 200 MB"
