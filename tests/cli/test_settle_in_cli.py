"""`settle --in CODE` is one use case (`Ledger.settle_in`, issue 15): converting,
planning and recording are one write under one key; `--dry-run` shows what would be
recorded and records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import Run, ok_json


@pytest.fixture
def asia(trip: Run) -> Run:
    """Trip with balances in BDT and EUR, and the EUR/BDT rate."""
    for args in (
        ("Dinner", "1800", "--currency", "BDT", "--paid-by", "ann"),
        ("Taxi", "30", "--paid-by", "bob"),
    ):
        result = trip("expense", "add", "Trip", *args, "--date", "2026-11-01")
        assert result.exit_code == 0, result.output
    assert trip("rate", "add", "Trip", "EUR", "BDT", "130.5", "--date", "2026-11-01").exit_code == 0
    return trip


def _state(run: Run) -> tuple[Any, ...]:
    return (
        ok_json(run("balances", "Trip", "--json")),
        ok_json(run("history", "Trip", "--json")),
        ok_json(run("activity", "Trip", "--json")),
    )


def _ids(run: Run) -> list[int]:
    return [t["id"] for t in ok_json(run("history", "Trip", "--json"))["transactions"]]


PLAN = ["cy pays bob 14.60 EUR", "ann pays bob 0.80 EUR"]


def test_settle_in_records_conversions_and_payments(asia: Run) -> None:
    last = max(_ids(asia))
    result = asia("settle", "Trip", "--in", "eur", "--record")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Recorded conversion #{last + 1}: Convert BDT to EUR at 1 EUR = 130.5 BDT",
        *PLAN,
        f"Recorded 2 payments: #{last + 2}, #{last + 3}",
    ]
    balances = ok_json(asia("balances", "Trip", "--json"))["balances"]
    assert all(b["minor"] == 0 for b in balances)


def test_settle_in_json(asia: Run) -> None:
    last = max(_ids(asia))
    data = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--json"))
    assert data["group"] == "Trip"
    assert data["currency"] == "EUR"
    assert [(t["from"], t["to"], t["amount"]) for t in data["transfers"]] == [
        ("cy", "bob", "14.60"),
        ("ann", "bob", "0.80"),
    ]
    assert (data["converted"], data["recorded"]) == ([last + 1], [last + 2, last + 3])


def test_settle_in_without_record_converts_and_plans(asia: Run) -> None:
    last = max(_ids(asia))
    data = ok_json(asia("settle", "Trip", "--in", "EUR", "--json"))
    assert data["converted"] == [last + 1]
    assert "recorded" not in data
    assert len(data["transfers"]) == 2
    currencies = {b["currency"] for b in ok_json(asia("balances", "Trip", "--json"))["balances"]}
    assert currencies == {"EUR"}


def test_settle_in_with_nothing_to_convert(trip: Run) -> None:
    assert trip("expense", "add", "Trip", "Taxi", "30", "--paid-by", "bob").exit_code == 0
    result = trip("settle", "Trip", "--in", "EUR")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["ann pays bob 10.00 EUR", "cy pays bob 10.00 EUR"]
    data = ok_json(trip("settle", "Trip", "--in", "EUR", "--json"))
    assert data["converted"] == []


def test_dry_run_shows_what_would_be_recorded_and_records_nothing(asia: Run) -> None:
    before = _state(asia)
    result = asia("settle", "Trip", "--in", "EUR", "--record", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Would record conversion: Convert BDT to EUR at 1 EUR = 130.5 BDT",
        *PLAN,
        "Would record 2 payments.",
        "Dry run: nothing was recorded.",
    ]
    data = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--dry-run", "--json"))
    assert data["dry_run"] is True
    assert "converted" not in data
    assert "recorded" not in data
    (conversion,) = data["conversions"]
    assert conversion["kind"] == "conversion"
    assert "id" not in conversion
    assert [p["description"] for p in data["payments"]] == [
        "Settle up: cy paid bob",
        "Settle up: ann paid bob",
    ]
    assert _state(asia) == before
    # The real thing records what the dry run showed.
    done = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--json"))
    assert done["transfers"] == data["transfers"]


def test_a_dry_run_with_a_key_leaves_the_key_free(asia: Run) -> None:
    last = max(_ids(asia))
    assert asia("settle", "Trip", "--in", "EUR", "--dry-run", "--key", "k").exit_code == 0
    done = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--key", "k", "--json"))
    assert len(done["recorded"]) == 2  # (PostgreSQL's sequences skip the dry run's ids)
    assert min(done["converted"]) > last


def test_the_same_key_replays_and_records_nothing(asia: Run) -> None:
    first = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--key", "s1", "--json"))
    ids = _ids(asia)
    again = ok_json(asia("settle", "Trip", "--in", "EUR", "--record", "--key", "s1", "--json"))
    assert again == first
    assert _ids(asia) == ids


def test_the_same_key_for_another_request_is_refused(asia: Run) -> None:
    assert asia("settle", "Trip", "--in", "EUR", "--record", "--key", "s1").exit_code == 0
    before = _state(asia)
    result = asia("settle", "Trip", "--in", "BDT", "--record", "--key", "s1")
    assert result.exit_code == 3, result.output  # the CLI's contract for a reused key
    assert result.stderr.splitlines() == [
        "error: idempotency key 's1' was already used for a different request"
    ]
    assert _state(asia) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--in", "XXX"), "currency"),
        (("--in", "JPY"), "rate on or before"),  # no BDT/JPY rate
        (("--dry-run",), "error: --dry-run goes with --in CODE"),
        (("--in", "EUR", "--key", "k" * 500), "key"),
        (("--in", "EUR\x1b[2J"), "currency"),
    ],
)
def test_refusals_write_nothing(asia: Run, args: tuple[str, ...], message: str) -> None:
    before = _state(asia)
    result = asia("settle", "Trip", *args, "--record")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert line.isprintable()
    assert message in line, line
    assert _state(asia) == before


def test_the_csv_holds_the_plan(asia: Run) -> None:
    result = asia("settle", "Trip", "--in", "EUR", "--csv", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "from,to,amount,currency",
        "cy,bob,14.60,EUR",
        "ann,bob,0.80,EUR",
    ]
