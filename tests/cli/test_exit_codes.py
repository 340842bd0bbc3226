"""The exit-code contract: 0 ok; 1 verify problems, unavailable database or an
unexpected failure (with the log file named); 2 bad input, one plain line on stderr and
nothing written; 3 an idempotency key reused with a different payload."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from splitledger.cli.main import cli
from splitledger.services.ledger import Ledger
from splitledger.services.reading import ReadingCases
from tests.cli.conftest import Run, Shared, balances, ok_json, state

EXPENSE = ["expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann"]
BAD_INPUT = [
    (["expense", "add", "Nope", "Dinner", "90", "--paid-by", "ann"], "no group named 'Nope'"),
    (["expense", "add", "Trip", "Dinner", "90", "--paid-by", "zed"], "'zed' is not a member"),
    (["expense", "add", "Trip", "Dinner", "9O", "--paid-by", "ann"], "amount: '9O'"),
    (["expense", "add", "Trip", "Dinner", "--paid-by", "ann", "--", "-5"], "must be positive"),
    (["expense", "add", "Trip", "Dinner", "1.234", "--paid-by", "ann"], "decimal places"),
    (
        ["expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann", "--date", "2026-02-30"],
        "--date: 2026-02-30 is not a day of the calendar (February 2026 has 28 days)",
    ),
    (
        [*EXPENSE, "--split", "exact", "--for", "ann=10", "--for", "bob=10"],
        "the exact shares add up to 20.00 EUR, not the bill of 90.00 EUR",
    ),
    ([*EXPENSE, "--split", "percent", "--for", "ann=50", "--for", "bob=40"], "percent"),
    (
        ["expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann=50", "--paid-by", "bob=30"],
        "paid",
    ),
    (["expense", "add", "Trip", "Dinner", "90"], "Missing option '--paid-by'"),
    (["expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann", "--split", "half"], "half"),
    (["payment", "add", "Trip", "ann", "ann", "5"], "cannot pay themselves"),
    (["payment", "add", "Trip", "ann", "bob", "0"], "must not be zero"),
    (["group", "create", "Trip", "--currency", "EUR"], "already exists"),
    (["group", "create", "Other", "--currency", "EURO"], "currency"),
    (["group", "create", "Other", "--currency", "XXZ"], "unknown currency"),
    (["group", "create", "Other", "--currency", "EUR", "--member", "a", "--member", "a"], "twice"),
    (["member", "add", "Trip", "ann"], "already in"),
    (["tx", "reverse", "999"], "no such transaction #999"),
    (["tx", "reverse", "0"], "no such transaction #0"),
    (["balances", "Nope"], "no group named 'Nope'"),
    (["history", "Trip", "--limit", "0"], "--limit"),
    (["export", "Nope", "--format", "json"], "no group named 'Nope'"),
    (["export", "Trip", "--format", "xml"], "xml"),
    (["nosuch"], "No such command"),
    (["history", "Trip", "--from", "2026-06-01", "--to", "2026-01-01"], "ends (2026-01-01) before"),
    ([*EXPENSE, "--paid-by", "ann"], "paid by: ann listed twice"),
    (["balances", "g" * 5000], f"no group named '{'g' * 99}…'"),
    (["--db", "", "group", "list"], "the ledger named is empty"),
    ([*EXPENSE, "--key", "a\x1bb"], "key: contains a control character U+001B"),
    (["group", "rename", "Trip", "n" * 101], "new name: is 101 characters long"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUT, ids=[" ".join(args)[:50] for args, _ in BAD_INPUT]
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    shared: Shared, args: list[str], message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    assert before[1][2] == 1  # type: ignore[index]  # Trip holds the seed transaction
    result: Result = CliRunner().invoke(cli, ["--db", url, *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert state(ledger) == before


@pytest.mark.parametrize(
    "group", ["expense", "group", "member", "payment", "rate", "tx", "recurring"]
)
def test_a_command_group_alone_shows_its_commands_laid_out(group: str) -> None:
    """`splitledger expense` with no command: its help, line by line, on stderr (exit 2),
    not squeezed into the one-line error."""
    result = CliRunner().invoke(cli, [group], prog_name="splitledger")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Usage: splitledger {group} [OPTIONS] COMMAND")
    assert "Commands:" in lines
    assert not any(line.startswith("error:") for line in lines)


def test_reversing_twice_is_bad_input(trip: Run) -> None:
    tx = ok_json(trip("payment", "add", "Trip", "bob", "ann", "5", "--json"))
    assert trip("tx", "reverse", str(tx["id"])).exit_code == 0
    again = trip("tx", "reverse", str(tx["id"]))
    assert again.exit_code == 2
    assert "already reversed" in again.stderr


def test_idempotency_conflict_exits_3(trip: Run) -> None:
    first = trip("expense", "add", "Trip", "Lunch", "10", "--paid-by", "ann", "--key", "k1")
    assert first.exit_code == 0
    after_first = balances(trip)
    clash = trip("expense", "add", "Trip", "Lunch", "11", "--paid-by", "ann", "--key", "k1")
    assert clash.exit_code == 3
    assert clash.stderr == "error: idempotency key 'k1' was already used for a different request\n"
    assert balances(trip) == after_first
    assert len(ok_json(trip("history", "Trip", "--json"))["transactions"]) == 1


def test_verify_problems_exit_1(trip: Run, db_url: str) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    with Ledger.open(db_url) as ledger, ledger.engine.begin() as conn:
        # The maintained balances are a cache; damaging it is what verify must catch.
        conn.execute(text("UPDATE balances SET amount = amount + 1"))
    result = trip("verify", "--json")
    assert result.exit_code == 1
    assert result.stdout.count('"balance-mismatch"') >= 1
    plain = trip("verify")
    assert plain.exit_code == 1
    assert "balance-mismatch" in plain.stdout
    assert "problems found" in plain.stderr


def test_unavailable_database_exits_1_with_its_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100)
    result = CliRunner().invoke(cli, ["--db", str(path), "group", "list"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "not a splitledger database" in result.stderr
    assert "Traceback" not in result.output


def test_unexpected_failure_exits_1_and_names_the_log(
    trip: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: ReadingCases, group: str, **_: object) -> None:
        raise RuntimeError("disk on fire")

    # On the family that defines it: every façade (`Ledger`, `ReadLedger`) has it.
    monkeypatch.setattr(ReadingCases, "balances", broken)
    result = trip("balances", "Trip")
    assert result.exit_code == 1
    from splitledger.services.logs import log_file, log_files

    assert result.stderr == (
        f"error: unexpected RuntimeError: disk on fire. The details are in {log_file()}\n"
    )
    logged = "".join(p.read_text(encoding="utf-8") for p in log_files())  # rotated too
    assert "cli.unexpected" in logged
    assert "disk on fire" in logged
    assert "Traceback" in logged
