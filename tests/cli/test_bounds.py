"""Bounds at the command line: every date option takes days from 1970-01-01 to
2099-12-31 and says plainly what is wrong with any other; a transaction id no row can
have is "no such transaction", exit 2, never an overflow."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.domain import MAX_ID
from tests.cli.conftest import Run, Shared, ok_json, state

#: Each date option, as (command before the option, option).
DATE_OPTIONS = [
    (["expense", "add", "Trip", "Dinner", "9", "--paid-by", "ann"], "--date"),
    (["payment", "add", "Trip", "bob", "ann", "5"], "--date"),
    (["tx", "reverse", "1"], "--date"),
    (["rate", "add", "Trip", "EUR", "USD", "1.1"], "--date"),
    (["convert", "Trip"], "--date"),
    (["history", "Trip"], "--from"),
    (["history", "Trip"], "--to"),
]

BAD_DATES = [
    ("9999-12-31", "9999-12-31 is outside the supported range 1970-01-01 to 2099-12-31"),
    ("0001-01-01", "0001-01-01 is outside the supported range 1970-01-01 to 2099-12-31"),
    ("0000-01-01", "0000-01-01 is outside the supported range 1970-01-01 to 2099-12-31"),
    ("1969-12-31", "1969-12-31 is outside the supported range 1970-01-01 to 2099-12-31"),
    ("2100-01-01", "2100-01-01 is outside the supported range 1970-01-01 to 2099-12-31"),
    ("2026-02-30", "2026-02-30 is not a day of the calendar (February 2026 has 28 days)"),
    ("2023-02-29", "2023-02-29 is not a day of the calendar (February 2023 has 28 days)"),
    ("2026-04-31", "2026-04-31 is not a day of the calendar (April 2026 has 30 days)"),
    ("2026-04-00", "2026-04-00 is not a day of the calendar (April 2026 has 30 days)"),
    ("2026-13-01", "2026-13-01 is not a day of the calendar (a year has 12 months)"),
    ("2026-2-3", "'2026-2-3' is not a date; write YYYY-MM-DD, e.g. 2026-11-01"),
    ("yesterday", "'yesterday' is not a date; write YYYY-MM-DD, e.g. 2026-11-01"),
    ("2026-02-03T00:00", "'2026-02-03T00:00' is not a date; write YYYY-MM-DD"),
    ("２０２６-01-01", "'２０２６-01-01' is not a date; write YYYY-MM-DD"),
]


@pytest.mark.parametrize(
    ("command", "option"), DATE_OPTIONS, ids=[f"{c[0]} {o}" for c, o in DATE_OPTIONS]
)
@pytest.mark.parametrize(("value", "message"), BAD_DATES, ids=[v for v, _ in BAD_DATES])
def test_every_date_option_refuses_days_outside_the_range_and_the_calendar(
    shared: Shared, command: list[str], option: str, value: str, message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    result = CliRunner().invoke(cli, ["--db", url, *command, option, value])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {option}: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert state(ledger) == before


def test_the_first_and_last_days_of_the_range_are_accepted(trip: Run) -> None:
    for day in ("1970-01-01", "2099-12-31"):
        made = trip("expense", "add", "Trip", "Edge", "9", "--paid-by", "ann", "--date", day)
        assert made.exit_code == 0, made.output
    found = ok_json(trip("history", "Trip", "--json", "--from", "1970-01-01", "--to", "2099-12-31"))
    assert [t["date"] for t in found["transactions"]] == ["2099-12-31", "1970-01-01"]


def test_an_export_of_dates_at_the_ends_of_the_range_works(trip: Run) -> None:
    for day in ("1970-01-01", "2099-12-31"):
        trip("expense", "add", "Trip", "Edge", "9", "--paid-by", "ann", "--date", day)
    for fmt in ("beancount", "hledger", "csv", "json"):
        result = trip("export", "Trip", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
        assert "2099-12-31" in result.stdout


NO_SUCH_IDS = [
    "99999999999999999999999",
    str(MAX_ID + 1),
    str(MAX_ID),  # a possible id, but no such row
    "9" * 5000,  # more digits than int() converts
    "0",
    "#0",
    "999",
    "#999",
]


@pytest.mark.parametrize("tx_id", NO_SUCH_IDS, ids=lambda t: t[:25])
@pytest.mark.parametrize("command", [["tx", "show"], ["tx", "reverse"]], ids=" ".join)
def test_an_id_no_transaction_has_is_no_such_transaction(
    shared: Shared, command: list[str], tx_id: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    result = CliRunner().invoke(cli, ["--db", url, *command, tx_id])
    assert result.exit_code == 2, result.output
    number = tx_id.removeprefix("#")
    assert result.stderr == f"error: no such transaction #{number}\n"
    assert state(ledger) == before


def test_a_negative_id_after_the_options_is_no_such_transaction(shared: Shared) -> None:
    url, _ = shared
    result = CliRunner().invoke(cli, ["--db", url, "tx", "show", "--", "-3"])
    assert (result.exit_code, result.stderr) == (2, "error: no such transaction #-3\n")


@pytest.mark.parametrize("text", ["abc", "1.5", "1e3", "", "٣"])
def test_a_txid_that_is_not_a_number_says_how_to_write_one(shared: Shared, text: str) -> None:
    url, _ = shared
    result = CliRunner().invoke(cli, ["--db", url, "tx", "show", text])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: TXID: {text!r} is not a transaction id; write its number, e.g. 42\n"
    )


def test_an_id_may_be_written_as_the_cli_prints_it(trip: Run) -> None:
    tx = ok_json(trip("payment", "add", "Trip", "bob", "ann", "5", "--json"))
    shown = ok_json(trip("tx", "show", f"#{tx['id']}", "--json"))
    assert shown["id"] == tx["id"]
