"""The CLI under hostile arguments: exit 0, or exit 2 with one plain line and nothing
written; never exit 1, never a traceback, never a raw control character on a terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.cli.main import cli
from splitledger.services.ledger import Ledger
from tests.fuzz.strategies import amounts, date_texts, ids, text

#: What must never reach a terminal: C0 (but tab/newline), DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
JARGON = ("minor unit", "String should", ".0:", "Error", "Traceback", "unexpected")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Ledger]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPLITLEDGER_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))
        url = str(Path(tmp_path_factory.mktemp("cli-fuzz")) / "ledger.db")
        with Ledger.open(url, actor="fuzz") as ledger:
            ledger.create_group("Flat", "EUR", ["ann", "bob"])
            ledger.record_expense(
                group="Flat", description="Seed", amount="30", paid_by=(("ann", None),)
            )
            yield url, ledger


def _state(ledger: Ledger) -> tuple[object, ...]:
    return ledger.change_token(None), ledger.change_token("Flat"), ledger.balances("Flat")


def command(t: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """One invocation with hostile values in its arguments."""
    return st.one_of(
        st.builds(
            lambda d, a, p, date, cat: [
                "expense",
                "add",
                "Flat",
                d,
                a,
                "--paid-by",
                p,
                "--date",
                date,
                "--category",
                cat,
            ],
            t,
            amounts,
            st.one_of(st.just("ann"), t),
            date_texts,
            t,
        ),
        st.builds(
            lambda a, d, date: [
                "payment",
                "add",
                "Flat",
                "bob",
                "ann",
                a,
                "--description",
                d,
                "--date",
                date,
            ],
            amounts,
            t,
            date_texts,
        ),
        st.builds(lambda n: ["member", "add", "Flat", n], t),
        st.builds(lambda n: ["group", "create", n, "--currency", "EUR", "--member", "x"], t),
        st.builds(lambda q: ["history", "Flat", "--text", q, "--json"], t),
        st.builds(lambda g: ["balances", g], t),
        st.builds(lambda i: ["tx", "show", str(i)], ids),
        st.builds(lambda i: ["tx", "reverse", str(i)], ids),
        st.builds(lambda c: ["group", "create", "Trip", "--currency", c], t),
    )


@settings(max_examples=150, deadline=None)
@given(args=command(text))
def test_the_cli_refuses_cleanly_or_succeeds(seeded: tuple[str, Ledger], args: list[str]) -> None:
    url, ledger = seeded
    before = _state(ledger)
    result = CliRunner().invoke(cli, ["--db", url, *args])
    out, err = result.stdout, result.stderr
    assert result.exit_code in (0, 2), (args, result.exit_code, err, result.exception)
    assert not RAW.search(out), out
    assert not RAW.search(err), err
    if result.exit_code == 2:
        assert err.startswith("error: "), err
        assert err.count("\n") == 1, err
        assert not any(j in err for j in JARGON), err
        assert out == ""
        assert _state(ledger) == before
