"""Every command that writes a file writes it owner-only and all or nothing
(`cli.output.output_file`, over `services.files.private_file`)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import Run

WRITERS = [
    ["balances", "Trip", "--csv", "{out}"],
    ["settle", "Trip", "--csv", "{out}"],
    ["history", "Trip", "--csv", "{out}"],
    *(["export", "Trip", "--format", fmt, "-o", "{out}"] for fmt in ("csv", "json", "hledger")),
]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:4]))
def test_a_new_file_is_readable_by_its_owner_only(
    trip: Run, tmp_path: Path, args: list[str]
) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.file"
    old = os.umask(0o022)
    try:
        result = trip(*(a.format(out=out) for a in args))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["out.file"]  # no temporary left
