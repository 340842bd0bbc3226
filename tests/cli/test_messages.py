"""The CLI's error catalogue in plain words: known-bad invocations (amounts, dates,
names, ids, currencies, missing members, unknown groups, hostile and confusable text)
each exit 2 with one line on stderr that says what is wrong in words a person uses —
never a class name, a pydantic phrase, a field path or a raw control character — and
write nothing. Counts in messages agree with their nouns."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from splitledger.domain import visible
from tests.cli.conftest import Run, Shared, ok_json, state

EXPENSE = ["expense", "add", "Trip", "Dinner"]
PAID = ["--paid-by", "ann"]

CATALOGUE: list[tuple[list[str], str]] = [
    # amounts: ASCII digits, optional sign, thousands commas in threes, one decimal point
    ([*EXPENSE, "1_0_0", *PAID], "amount: '1_0_0' is not an amount"),
    ([*EXPENSE, "1e3", *PAID], "amount: '1e3' is written in scientific notation"),
    ([*EXPENSE, "0x10", *PAID], "amount: '0x10' is not an amount"),
    ([*EXPENSE, "NaN", *PAID], "amount: 'NaN'"),
    ([*EXPENSE, "Infinity", *PAID], "amount: 'Infinity'"),
    ([*EXPENSE, "10 eur", *PAID], "amount: '10 eur' is not an amount"),
    ([*EXPENSE, "1 000", *PAID], "amount: '1 000' is not an amount"),
    ([*EXPENSE, "1,00", *PAID], "amount: '1,00' is not an amount"),
    ([*EXPENSE, "١٢", *PAID], "amount: '١٢' is not an amount"),
    ([*EXPENSE, "1.001", *PAID], "amount: '1.001' has 3 decimal places but EUR allows"),
    ([*EXPENSE, "99999999999999999999999", *PAID], "too large"),
    ([*EXPENSE, "92233720368547758.07", *PAID], "too large"),
    ([*EXPENSE, "", *PAID], "amount: must not be empty"),
    ([*EXPENSE, "0", *PAID], "must not be zero"),
    ([*EXPENSE, *PAID, "--", "-5"], "must be positive"),
    ([*EXPENSE, "10", "--paid-by", "ann=abc", "--paid-by", "bob"], "'abc' is not an amount"),
    ([*EXPENSE, "10", *PAID, "--split", "exact", "--for", "ann=1e3"], "scientific notation"),
    ([*EXPENSE, "10", *PAID, "--split", "percent", "--for", "ann=NaN"], "'NaN'"),
    ([*EXPENSE, "10", *PAID, "--split", "percent", "--for", "ann=101"], "add up to 101"),
    ([*EXPENSE, "10", *PAID, "--split", "shares", "--for", "ann=-1"], "'-1'"),
    ([*EXPENSE, "10", *PAID, "--split", "half"], "--split: 'half' is not one of"),
    ([*EXPENSE, "10", "--paid-by", "ann=5"], "paid 5.00 EUR in all, but the bill is 10.00"),
    (["payment", "add", "Trip", "ann", "bob", "0.5", "--currency", "JPY"], "'0.5'"),
    (["payment", "add", "Trip", "ann", "ann", "5"], "cannot pay themselves"),
    (["rate", "add", "Trip", "EUR", "USD", "abc"], "rate: 'abc' is not a positive decimal"),
    (["rate", "add", "Trip", "EUR", "USD", "1e400"], "rate: '1e400'"),
    (["rate", "add", "Trip", "EUR", "USD", "0"], "rate: must be greater than zero"),
    # dates
    ([*EXPENSE, "10", *PAID, "--date", "2026-02-30"], "--date: 2026-02-30 is not a day"),
    ([*EXPENSE, "10", *PAID, "--date", "26-2-3"], "--date: '26-2-3' is not a date"),
    ([*EXPENSE, "10", *PAID, "--date", "9999-12-31"], "--date: 9999-12-31 is outside"),
    (["history", "Trip", "--from", "0001-01-01"], "--from: 0001-01-01 is outside"),
    # ids and counts
    (["tx", "show", "99999999999999999999999"], "no such transaction #99999999999999999999999"),
    (["tx", "reverse", "0"], "no such transaction #0"),
    (["tx", "show", "abc"], "TXID: 'abc' is not a transaction id"),
    (["history", "Trip", "--before", "1e9"], "--before: '1e9' is not a transaction id"),
    (["history", "Trip", "--limit", "0"], "--limit: 0 is not between 1 and 10000"),
    (["history", "Trip", "--limit", "ten"], "--limit: 'ten' is not a whole number"),
    (["history", "Trip", "--kind", "gift"], "--kind: 'gift' is not one of"),
    # currencies
    (["group", "create", "Other", "--currency", "EURO"], "currency"),
    (["group", "create", "Other", "--currency", "XYZ"], "currency"),
    (["group", "create", "Other", "--currency", ""], "currency"),
    (["convert", "Trip", "--to", "XYZ"], "XYZ"),
    # names: unknown groups and members
    (["balances", "Nope"], "no group named 'Nope'"),
    (["history", "Nope"], "no group named 'Nope'"),
    (["member", "add", "Nope", "x"], "no group named 'Nope'"),
    ([*EXPENSE, "10", "--paid-by", "zed"], "'zed' is not a member of 'Trip'"),
    (["payment", "add", "Trip", "ann", "zed", "1"], "'zed' is not a member of 'Trip'"),
    (["history", "Trip", "--member", "zed"], "no member named 'zed' in 'Trip'"),
    (["convert", "Trip", "--member", "zed"], "'zed' is not a member of 'Trip'"),
    (["group", "create", "", "--currency", "EUR"], "name: must not be empty"),
    (["member", "add", "Trip", "  "], "must not be empty"),
    (["member", "add", "Trip", "x" * 101], "at most 100"),
    ([*EXPENSE[:3], "x" * 501, "10", *PAID], "description: is 501 characters long"),
    (["member", "add", "Trip", "exchange:EUR"], "reserved for exchange accounts"),
    # confusable names next to `ann`, and groups next to `Trip`
    (["member", "add", "Trip", "Ann"], "'Ann' reads the same as 'ann'"),
    (["member", "add", "Trip", "\u0430nn"], "reads the same as 'ann'"),
    (["member", "add", "Trip", "ann\u200b"], "invisible character U+200B (ZERO WIDTH SPACE)"),
    (["member", "add", "Trip", "ａｎｎ"], "reads the same as 'ann'"),
    (["group", "create", "trip", "--currency", "EUR"], "reads the same as the existing group"),
    (["group", "create", "G", "--currency", "EUR", "-m", "x"], "No such option '-m'"),
    # hostile text
    ([*EXPENSE[:3], "a\x1b[31mb", "10", *PAID], "control character U+001B (ESCAPE)"),
    ([*EXPENSE[:3], "a\u202eb", "10", *PAID], "text-direction control character U+202E"),
    ([*EXPENSE[:3], "a\u200bb", "10", *PAID], "invisible character U+200B"),
    ([*EXPENSE, "10", *PAID, "--category", "\x9b31m"], "control character U+009B"),
    (["member", "add", "Trip", "x\x07"], "control character U+0007 (BELL)"),
    (["group", "create", "G\x1b]0;t\x07", "--currency", "EUR"], "U+001B (ESCAPE)"),
    (["balances", "Tr\x1b[2Jip"], "no group named 'Tr\\x1b[2Jip'"),
    # bytes that are not UTF-8 arrive as lone surrogates
    ([*EXPENSE, "10", *PAID, "--category", "\udc9b31m"], "is not UTF-8 text: byte 0x9B"),
    # commands and options
    (["nosuch"], "No such command 'nosuch'"),
    (["--nosuch"], "No such option '--nosuch'"),
    (["history", "Trip", "--kind"], "Option '--kind' requires an argument"),
    ([*EXPENSE, "10"], "Missing option '--paid-by'"),
]

#: Words no message may hold: class names, pydantic's phrases, paths into a request.
JARGON = re.compile(
    r"minor unit|[Ss]tring should|[Ii]nput should|[Vv]alue error|\.\d+:|\b[A-Z]\w*Error\b"
    r"|Error:|Traceback|Exception|Invalid value for|x>=|<=x|[Vv]alidation|pydantic|sqlite"
    r"|psycopg"
)


@pytest.mark.parametrize(
    ("args", "message"), CATALOGUE, ids=[" ".join(a)[:60] for a, _ in CATALOGUE]
)
def test_bad_input_is_one_plain_line_and_exit_2(
    shared: Shared, args: list[str], message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    result: Result = CliRunner().invoke(cli, ["--db", url, *args], color=True)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = result.stderr.removesuffix("\n")
    assert "\n" not in line, result.stderr
    assert line.startswith("error: ")
    assert message in line
    assert JARGON.search(line) is None, line
    assert visible(line) == line, repr(line)  # nothing that acts on a terminal
    assert state(ledger) == before


def test_counts_agree_with_their_nouns(trip: Run) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann", "--for", "bob")
    assert trip("verify").stdout == "OK: 1 transaction and 2 postings check out.\n"
    settled = trip("settle", "Trip", "--record")
    assert settled.stdout.splitlines()[-1].startswith("Recorded 1 payment: #")
    assert trip("verify").stdout == "OK: 2 transactions and 4 postings check out.\n"
    rates = ok_json(trip("rate", "list", "Trip", "--json"))
    assert rates["rates"] == []


def test_an_export_note_counts_in_the_singular(trip: Run, tmp_path: object) -> None:
    trip("payment", "add", "Trip", "bob", "ann", "5")
    out = f"{tmp_path}/trip.journal"
    result = trip("export", "Trip", "--format", "hledger", "-o", out)
    assert result.stderr == f"Wrote 1 transaction of 'Trip' to {out}.\n"
