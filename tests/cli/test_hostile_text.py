"""Text stored before the input policy (control, bidi and invisible characters) never
reaches a terminal raw: text output shows it through `domain.visible`, one line per
line; JSON keeps it exact, with every unprintable character as a \\u escape.

CliRunner is run with `color=True`: otherwise click itself strips some ESC sequences
from output that is not a terminal (and only those), which would hide raw escapes from
these tests while a real terminal would still get them."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from splitledger.domain import visible
from tests.cli.conftest import Run
from tests.cli.legacy import HOSTILE, plant

NAME = "ann\x1b[2J\u202e"  # a member name with a clear-screen and a bidi override


def _run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, *args], color=True, catch_exceptions=False)


def _shown(text: str) -> bool:
    """Every line is as `visible` shows it: no character of it acts on a terminal."""
    return all(visible(line) == line for line in text.split("\n"))


def _printable_json(text: str) -> bool:
    return text.replace("\n", "").isprintable()


@pytest.fixture
def legacy(trip: Run, db_url: str) -> tuple[str, int]:
    tx_id = plant(db_url, payer=NAME)
    return db_url, tx_id


def test_history_text_shows_stored_control_characters(legacy: tuple[str, int]) -> None:
    url, _ = legacy
    result = _run(url, "history", "Trip")
    assert result.exit_code == 0, result.output
    assert _shown(result.stdout), repr(result.stdout)
    assert result.stdout.count("\n") == 1  # the stored line break makes no second line
    assert visible(HOSTILE) in result.stdout
    assert "␛[31m" in result.stdout
    assert visible(NAME) in result.stdout


def test_history_json_is_exact_and_escapes_what_is_not_printable(
    legacy: tuple[str, int],
) -> None:
    url, _ = legacy
    result = _run(url, "history", "Trip", "--json")
    assert result.exit_code == 0, result.output
    assert _printable_json(result.stdout), repr(result.stdout)
    assert "\\u009b" in result.stdout  # C1 CSI
    assert "\\u202e" in result.stdout  # RIGHT-TO-LEFT OVERRIDE
    assert "\\u200b" in result.stdout  # ZERO WIDTH SPACE
    assert "\\u007f" in result.stdout  # DELETE
    (tx,) = json.loads(result.stdout)["transactions"]
    assert (tx["description"], tx["category"]) == (HOSTILE, HOSTILE)
    assert {p["member"] for p in tx["postings"]} == {NAME, "bob"}


def test_ordinary_non_ascii_text_stays_readable_in_json(trip: Run) -> None:
    made = trip("expense", "add", "Trip", "Café 😀 Zoë", "9", "--paid-by", "ann", "--json")
    assert made.exit_code == 0, made.output
    assert '"description": "Café 😀 Zoë"' in made.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["balances", "Trip"],
        ["settle", "Trip"],
        ["group", "list"],
        ["tx", "show", "{id}"],
        ["history", "Trip", "--member", NAME],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_text_output_shows_stored_text(legacy: tuple[str, int], args: list[str]) -> None:
    url, tx_id = legacy
    result = _run(url, *(a.format(id=tx_id) for a in args))
    assert result.exit_code == 0, result.output
    assert _shown(result.stdout), repr(result.stdout)
    assert visible(NAME) in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["balances", "Trip", "--json"],
        ["settle", "Trip", "--json"],
        ["group", "list", "--json"],
        ["tx", "show", "{id}", "--json"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_json_output_is_printable_and_exact(legacy: tuple[str, int], args: list[str]) -> None:
    url, tx_id = legacy
    result = _run(url, *(a.format(id=tx_id) for a in args))
    assert result.exit_code == 0, result.output
    assert _printable_json(result.stdout), repr(result.stdout)
    assert NAME in _strings(json.loads(result.stdout))


def _strings(data: object) -> set[str]:
    """Every string in a JSON document, keys and values."""
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return {s for k, v in data.items() for s in {k} | _strings(v)}
    if isinstance(data, list):
        return {s for item in data for s in _strings(item)}
    return set()


def test_tx_show_shows_the_audit_actor(legacy: tuple[str, int]) -> None:
    url, tx_id = legacy
    text = _run(url, "tx", "show", str(tx_id))
    assert _shown(text.stdout), repr(text.stdout)
    assert visible(HOSTILE) in text.stdout
    data = json.loads(_run(url, "tx", "show", str(tx_id), "--json").stdout)
    assert data["audit"][0]["actor"] == HOSTILE


def test_error_messages_quote_hostile_text_visibly(legacy: tuple[str, int]) -> None:
    url, _ = legacy
    for args in (
        ["balances", "Tr\x1b]0;x\x07ip\u202e"],
        ["history", "Trip", "--member", "zed\x1b[2J\x9b"],
        ["history", "Trip", "--kind", "x\x1b[2J"],
        ["expense", "add", "Trip", "D", "9", "--paid-by", "zed\x1b[2J\u202e"],
    ):
        result = _run(url, *args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1
        assert _shown(result.stderr), repr(result.stderr)


def test_a_terminal_gets_no_raw_control_characters(legacy: tuple[str, int], tmp_path: Path) -> None:
    """The real thing: the console script writing to a pseudo-terminal."""
    url, _ = legacy
    script = Path(sys.executable).with_name("splitledger")
    env = {**os.environ, "SPLITLEDGER_LOG_DIR": str(tmp_path / "logs")}
    for args in (
        ["history", "Trip"],
        ["history", "Trip", "--json"],
        ["history", "Trip", "--csv", "-"],
        ["export", "Trip", "--format", "hledger"],
        ["export", "Trip", "--format", "json"],
        ["balances", "Trip", "--csv", "-"],
    ):
        out = _on_terminal([str(script), "--db", url, *args], env)
        text = out.decode("utf-8")
        assert "\x1b" not in text, (args, text)
        assert "\x9b" not in text, (args, text)
        assert "\u202e" not in text, (args, text)
        assert "\u200b" not in text, (args, text)
        assert "\x07" not in text, (args, text)


def _on_terminal(argv: list[str], env: dict[str, str]) -> bytes:
    parent, child = pty.openpty()
    with subprocess.Popen(argv, stdout=child, stderr=child, env=env) as proc:
        os.close(child)
        chunks: list[bytes] = []
        while True:
            ready, _, _ = select.select([parent], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=30) == 0, b"".join(chunks)
    os.close(parent)
    return b"".join(chunks)
