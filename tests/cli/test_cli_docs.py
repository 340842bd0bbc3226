"""docs/cli.md cannot drift from the commands (issue 15): its command table and its
reference are generated from the click definitions (`splitledger.cli.docs`), and the
committed file must be exactly what the generator writes."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from splitledger.cli import docs
from splitledger.cli.main import COMMANDS


def test_docs_cli_md_is_what_the_generator_writes() -> None:
    current = docs.DOC.read_text(encoding="utf-8")
    assert docs.render(current) == current, (
        "docs/cli.md is out of date: run python -m splitledger.cli.docs --write"
    )


def test_every_command_and_option_is_in_the_docs() -> None:
    text = docs.DOC.read_text(encoding="utf-8")
    for ctx, command in docs.contexts():
        path = ctx.command_path
        assert f"### `{path}`" in text, path
        assert command.get_help(ctx) in text, path
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                assert any(opt in text for opt in param.opts), (path, param.opts)
    assert {ctx.command_path.split()[1] for ctx, _ in docs.contexts()} == set(COMMANDS)


def test_hand_written_prose_is_kept() -> None:
    current = docs.DOC.read_text(encoding="utf-8")
    emptied = re.sub(
        r"(<!-- BEGIN GENERATED: ([a-z-]+)[^\n]*-->\n).*?(<!-- END GENERATED: \2 -->)",
        r"\1\3",
        current,
        flags=re.DOTALL,
    )
    made = docs.render(emptied)
    assert made == current
    assert "## Input policy" in made


def test_a_missing_or_unknown_block_is_an_error() -> None:
    with pytest.raises(ValueError, match="missing"):
        docs.render("no blocks\n")
    with pytest.raises(ValueError, match="no generator"):
        docs.render(
            "<!-- BEGIN GENERATED: other -->\n<!-- END GENERATED: other -->\n"
            "<!-- BEGIN GENERATED: commands -->\n<!-- END GENERATED: commands -->\n"
        )


def test_check_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text(
        docs.DOC.read_text(encoding="utf-8").replace("| `verify [--json]` |", "| `verify` |"),
        encoding="utf-8",
    )
    monkeypatch.setattr(docs, "DOC", stale)
    assert docs.main(["--check"]) == 1
    assert docs.main(["--write"]) == 0
    assert docs.main(["--check"]) == 0
