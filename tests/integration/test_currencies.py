"""Multi-currency groups on real databases: rates, conversions on the ledger, settling;
each currency's exponent pinned when the ledger first uses it (ADR 0002)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from splitledger import domain
from splitledger.services.errors import Conflict, IdempotencyConflict, InvalidInput
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
from splitledger.store import currencies
from splitledger.store.engine import make_engine
from splitledger.store.location import resolve
from splitledger.store.unit import Unit

DAY = dt.date(2026, 11, 1)


def _by(ledger: Ledger, group: str = "Trip") -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances(group).balances}


def test_balances_are_per_currency_with_indicative_totals(world_trip: Ledger) -> None:
    view = world_trip.balances("Trip", on=DAY)
    assert {c for (_, c) in _by(world_trip)} == {"BDT", "EUR", "USD"}
    for currency in ("BDT", "EUR", "USD"):
        assert sum(v for (_, c), v in _by(world_trip).items() if c == currency) == 0
    # ann: +1200 BDT, -100 EUR, -150 USD  => 1200/130.5 - 100 - 150*0.92 EUR
    expected = round((Decimal(120000) / Decimal("130.5")) - 10000 - 15000 * Decimal("0.92"))
    assert view.indicative["ann"] == expected
    assert world_trip.balances("Trip", on=DAY - dt.timedelta(days=1)).indicative["ann"] is None


def test_convert_everyone_then_settle_in_the_group_currency(world_trip: Ledger) -> None:
    with pytest.raises(InvalidInput, match="no BDT/EUR rate on or before 2026-10-31"):
        world_trip.convert("Trip", date=DAY - dt.timedelta(days=1))
    views = world_trip.convert("Trip", date=DAY, key="conv-1")
    assert {v.kind for v in views} == {"conversion"}
    assert [v.description for v in views] == [
        "Convert BDT to EUR at 1 EUR = 130.5 BDT",
        "Convert USD to EUR at 1 USD = 0.92 EUR",
    ]
    after = _by(world_trip)
    assert {c for (_, c), v in after.items() if v} == {"EUR"}
    view = world_trip.balances("Trip")
    assert view.exchange == ()  # a whole-group conversion leaves the exchange at zero
    assert sum(v for (_, c), v in after.items() if c == "EUR") == 0
    again = world_trip.convert("Trip", date=DAY, key="conv-1")
    assert [v.id for v in again] == [v.id for v in views]
    with pytest.raises(IdempotencyConflict):
        world_trip.convert("Trip", date=DAY + dt.timedelta(days=1), key="conv-1")
    plan = world_trip.settle_plan("Trip")
    assert {t.currency for t in plan} == {"EUR"}
    world_trip.record_settlement("Trip", plan)
    assert set(_by(world_trip).values()) == {0}
    assert world_trip.verify().ok


def test_partial_conversions_block_settling_until_the_rest_is_converted(world_trip: Ledger) -> None:
    world_trip.convert("Trip", member="ann", date=DAY)
    assert world_trip.balances("Trip").exchange != ()
    with pytest.raises(InvalidInput, match="partly converted"):
        world_trip.settle_plan("Trip")
    world_trip.add_rate("Trip", "EUR", "BDT", "140", date=DAY + dt.timedelta(days=5))
    world_trip.add_rate("Trip", "USD", "EUR", "0.95", date=DAY + dt.timedelta(days=5))
    views = world_trip.convert("Trip", date=DAY + dt.timedelta(days=6))
    assert any(v.description.startswith("Exchange difference") for v in views)
    assert world_trip.balances("Trip").exchange == ()
    plan = world_trip.settle_plan("Trip")
    world_trip.record_settlement("Trip", plan)
    assert set(_by(world_trip).values()) == {0}
    assert world_trip.verify().ok
    history = world_trip.history("Trip", kind="conversion")
    assert len(history) >= 3
    exchange = domain.exchange_account("BDT", "EUR")
    assert exchange in {p.member for t in history for p in t.postings}
    assert world_trip.group("Trip").members == ("ann", "bob", "cy")


def test_rates_are_history_not_edits(trip: Ledger) -> None:
    trip.add_rate("Trip", "eur", "usd", "1.08", date=DAY)
    trip.add_rate("Trip", "EUR", "USD", "1.080", date=DAY)  # the same rate: nothing new
    with pytest.raises(InvalidInput, match="already recorded"):
        trip.add_rate("Trip", "EUR", "USD", "1.09", date=DAY)
    with pytest.raises(InvalidInput, match="greater than zero"):
        trip.add_rate("Trip", "EUR", "USD", "0", date=DAY)
    with pytest.raises(InvalidInput, match="two different currencies"):
        trip.add_rate("Trip", "EUR", "EUR", "1", date=DAY)
    added = trip.import_rates(
        "Trip",
        [
            domain.Rate(DAY, "EUR", "USD", Decimal("1.08")),
            domain.Rate(DAY + dt.timedelta(days=1), "GBP", "EUR", Decimal("1.17")),
        ],
        source="rates.csv",
    )
    assert added == (1, 1)
    assert [(r.base, r.quote, r.rate) for r in trip.rates("Trip")] == [
        ("EUR", "USD", "1.08"),
        ("GBP", "EUR", "1.17"),
    ]


def test_member_names_cannot_impersonate_exchange_accounts(ledger: Ledger) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        ledger.create_group("X", "EUR", ["exchange:EUR-USD"])


# -- each currency's exponent, pinned on first use (ADR 0002) -----------------------


def _pins(ledger: Ledger) -> dict[str, int]:
    with ledger.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, exponent FROM currencies"))
        return {str(code): int(places) for code, places in rows}


def test_a_currency_is_pinned_at_iso_4217_when_the_ledger_first_uses_it(ledger: Ledger) -> None:
    ledger.create_group("Budapest", "HUF", ["ann", "bob"])
    assert _pins(ledger) == {"HUF": 2}
    dinner = ledger.record_expense(
        group="Budapest", description="Dinner", amount="1,500.50", paid_by=[("ann", None)]
    )
    assert dinner.postings[0].minor == 150050
    ledger.record_payment(
        group="Budapest", payer="bob", payee="ann", amount="12.345", currency="IQD"
    )
    ledger.add_rate("Budapest", "EUR", "COP", "4100.5", date=DAY)
    assert _pins(ledger) == {"HUF": 2, "IQD": 3, "EUR": 2, "COP": 2}
    assert _by(ledger, "Budapest")["ann", "IQD"] == -12345
    assert ledger.verify().ok


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("XAU", "XAU is not money that people spend (a precious metal)"),
        ("CLF", "CLF is not money that people spend (a fund code, Unidad de Fomento)"),
        ("XTS", "XTS is not money that people spend (a code reserved for testing)"),
        ("XXX", "XXX is not money that people spend"),
        ("DEM", "DEM is not a current ISO 4217 currency"),
    ],
)
def test_codes_that_are_not_money_are_refused_everywhere(
    trip: Ledger, code: str, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^currency: {re.escape(reason)}"):
        trip.create_group("Gold", code, ["ann"])
    with pytest.raises(InvalidInput, match=f"^currency: {re.escape(reason)}"):
        trip.record_expense(
            group="Trip", description="Ring", amount="1", currency=code, paid_by=[("ann", None)]
        )
    with pytest.raises(InvalidInput, match=re.escape(reason)):
        trip.add_rate("Trip", code, "EUR", "2000", date=DAY)
    assert _pins(trip) == {"EUR": 2}


def test_real_x_codes_are_money(ledger: Ledger) -> None:
    for code, places in (("XAF", 0), ("XOF", 0), ("XCD", 2), ("XPF", 0), ("XCG", 2)):
        ledger.create_group(f"Group {code}", code, ["ann"])
        assert _pins(ledger)[code] == places


def test_a_pinned_exponent_cannot_be_changed_or_removed(trip: Ledger) -> None:
    for statement in ("UPDATE currencies SET exponent = 0", "DELETE FROM currencies"):
        with pytest.raises(DBAPIError, match="append-only"), trip.engine.begin() as conn:
            conn.execute(text(statement))
    assert _pins(trip) == {"EUR": 2}


def test_only_a_currencys_first_use_costs_a_statement(
    trip: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, int]] = []
    real = currencies.pin_missing

    def counting(raw: Unit, wanted: dict[str, int]) -> dict[str, int]:
        calls.append(dict(wanted))
        return real(raw, wanted)

    monkeypatch.setattr(currencies, "pin_missing", counting)
    for i in range(3):
        trip.record_expense(
            group="Trip", description=f"Bill {i}", amount="10", paid_by=[("ann", None)]
        )
    assert calls == []
    for _ in range(2):
        trip.record_expense(
            group="Trip", description="Taxi", amount="5", currency="USD", paid_by=[("bob", None)]
        )
    assert calls == [{"USD": 2}]


def test_a_pin_rolled_back_with_its_write_is_written_with_the_next(trip: Ledger) -> None:
    payment = domain.build_payment(
        payer="ann", payee="bob", amount=1000, currency="JPY", date=DAY, idempotency_key="k1"
    )
    report = trip.import_transactions(
        "Trip", "EUR", ["ann", "bob", "cy"], [ImportEntry(payment)], source="t", dry_run=True
    )
    assert report.recorded == 1
    assert not report.committed
    assert _pins(trip) == {"EUR": 2}
    trip.record_payment(group="Trip", payer="ann", payee="bob", amount="1000", currency="JPY")
    assert _pins(trip) == {"EUR": 2, "JPY": 0}


def _other_program(db_url: str) -> Engine:
    """A second connection to the same database, as another splitledger would have."""
    return make_engine(resolve(db_url))


def test_a_pin_written_meanwhile_by_another_program_is_not_overridden(
    ledger: Ledger, db_url: str
) -> None:
    """Another splitledger (say with a newer ISO table) pinned HUF after this one opened
    the ledger: this one must not write HUF amounts at its own scale."""
    ledger.create_group("Budapest", "EUR", ["ann", "bob"])
    other = _other_program(db_url)
    with other.begin() as conn:
        conn.execute(
            text("INSERT INTO currencies (code, exponent, pinned_at) VALUES ('HUF', 0, :at)"),
            {"at": dt.datetime.now(dt.UTC)},
        )
    other.dispose()
    with pytest.raises(Conflict, match="fixed this ledger's HUF amounts at 0 decimal places"):
        ledger.record_expense(
            group="Budapest", description="x", amount="150", currency="HUF", paid_by=[("ann", None)]
        )
    assert ledger.history("Budapest", limit=10) == []
    view = ledger.record_expense(
        group="Budapest", description="x", amount="150", currency="HUF", paid_by=[("ann", None)]
    )
    assert view.postings[0].minor == 150  # now read at the ledger's scale


@pytest.mark.postgres
def test_a_first_use_waiting_on_another_first_use_does_not_fail(pg_url: str) -> None:
    """PostgreSQL: a writer pinning HUF waits for another transaction pinning HUF, then
    keeps its row; no unique violation, no retry storm."""
    other = _other_program(pg_url)
    with Ledger.open(pg_url) as ledger:
        outcome: list[object] = []

        def create() -> None:
            try:
                outcome.append(ledger.create_group("Budapest", "HUF", ["ann"]))
            except Exception as exc:  # reported by the assertion below
                outcome.append(exc)

        with other.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO currencies (code, exponent, pinned_at) VALUES ('HUF', 2, :at) "
                    "ON CONFLICT (code) DO NOTHING"
                ),
                {"at": dt.datetime.now(dt.UTC)},
            )
            worker = threading.Thread(target=create)
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()  # waiting for this transaction's row
        worker.join(30)
        assert len(outcome) == 1
        assert not isinstance(outcome[0], Exception), outcome
        assert _pins(ledger) == {"HUF": 2}
    other.dispose()


@pytest.mark.postgres
def test_concurrent_first_uses_of_a_currency_all_succeed(pg_url: str) -> None:
    workers = 6
    ledgers = [Ledger.open(pg_url, actor=f"w{i}") for i in range(workers)]
    barrier = threading.Barrier(workers)

    def first_use(i: int) -> str:
        barrier.wait()
        ledgers[i].create_group(f"Trip {i}", "IQD", ["ann", "bob"])
        view = ledgers[i].record_expense(
            group=f"Trip {i}", description="Tea", amount="1.250", paid_by=[("ann", None)]
        )
        return str(view.postings[0].minor)

    try:
        with ThreadPoolExecutor(workers) as pool:
            assert list(pool.map(first_use, range(workers))) == ["1250"] * workers
        assert _pins(ledgers[0]) == {"IQD": 3}
    finally:
        for opened in ledgers:
            opened.close()
