"""The root command's wiring: no sub-command opens the app on the `--db` target; large
imports show progress on a terminal (and only there)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from splitledger.cli import porting
from splitledger.cli.main import cli
from tests.interop.splitwise_samples import export


def test_no_command_opens_the_app_on_the_db_target(monkeypatch: pytest.MonkeyPatch) -> None:
    from splitledger.tui.app import SplitLedgerApp

    opened: list[str | None] = []
    monkeypatch.setattr(SplitLedgerApp, "run", lambda self: opened.append(self.target))
    assert CliRunner().invoke(cli, ["--db", "elsewhere.db"]).exit_code == 0
    assert CliRunner().invoke(cli, []).exit_code == 0
    assert opened == ["elsewhere.db", None]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert porting._progress() is None
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    show = porting._progress()
    assert show is not None
    show("read", 1000)
    show("import", 2000)
    assert tty.getvalue() == "\rreading: 1000 rows…   \rimporting: 2000 rows…   "


def test_output_to_a_folder_is_bad_input(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "group", "create", "T", "--currency", "EUR"])
    (tmp_path / "dir").mkdir()
    result = runner.invoke(
        cli, ["--db", db, "export", "T", "--format", "json", "-o", str(tmp_path / "dir")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: output: cannot write")
    assert sorted(p.name for p in (tmp_path / "dir").iterdir()) == []
    sample = tmp_path / "s.csv"
    sample.write_bytes(export())
    assert runner.invoke(cli, ["--db", db, "import", "T", str(sample), "--format",
                               "splitwise"]).exit_code == 0  # fmt: skip
