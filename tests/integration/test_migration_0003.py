"""A ledger written at revision 0002, when exponents came from CLDR, upgrades to 0003
with every currency it used pinned at the exponent its amounts were written at; what it
uses later takes ISO 4217's (ADR 0002)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from splitledger import domain
from splitledger.domain.currency import pinned
from splitledger.interop import json_dump
from splitledger.services.errors import Conflict, InvalidInput, Unavailable
from splitledger.services.interchange import export_group, import_file
from splitledger.services.ledger import Ledger
from splitledger.store.migrate import MIGRATIONS

from .legacy import ledger_at

DAY = dt.date(2026, 6, 1)
#: What babel's CLDR gave these codes when the ledger was written.
CLDR_THEN = {"HUF": 0, "IQD": 0, "DEM": 2, "EUR": 2}


@pytest.fixture(autouse=True)
def _no_pins_left() -> Iterator[None]:
    yield
    assert pinned() == {}, "a test left a ledger open"


def _fill(ledger: Ledger) -> None:
    ledger.create_group("Budapest", "HUF", ["ann", "bob"])
    ledger.record_expense(
        group="Budapest", description="Dinner", amount="15,000", paid_by=[("ann", None)], date=DAY
    )
    ledger.record_expense(
        group="Budapest",
        description="Souvenir",
        amount="3000",
        currency="IQD",
        paid_by=[("bob", None)],
        date=DAY,
    )
    ledger.add_rate("Budapest", "EUR", "HUF", "390.5", date=DAY)
    # Withdrawn codes were accepted then.
    ledger.create_group("Bonn", "DEM", ["cy", "dee"])
    ledger.record_expense(
        group="Bonn", description="Beer", amount="12.50", paid_by=[("cy", None)], date=DAY
    )


def _pins(ledger: Ledger) -> dict[str, int]:
    with ledger.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, exponent FROM currencies"))
        return {str(code): int(places) for code, places in rows}


def _by(ledger: Ledger, group: str) -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances(group).balances}


@pytest.fixture
def old_ledger(db_url: str) -> str:
    ledger_at(db_url, "0002", _fill, CLDR_THEN)
    return db_url


def test_a_0002_ledger_keeps_the_exponents_its_amounts_were_written_at(old_ledger: str) -> None:
    with Ledger.open(old_ledger) as ledger:
        assert _pins(ledger) == {"HUF": 0, "IQD": 0, "EUR": 2, "DEM": 2}
        assert ledger.verify().ok
        balances = _by(ledger, "Budapest")
        assert balances["ann", "HUF"] == 7500  # 15,000 HUF split by two, whole forints
        assert domain.format_amount(balances["ann", "HUF"], "HUF") == "7,500"
        assert domain.format_amount(balances["bob", "IQD"], "IQD") == "1,500"
        dinner = ledger.history("Budapest", limit=10)[-1]
        assert [p.minor for p in dinner.postings] == [15000, -7500, -7500]
        # New entries in those currencies keep their scale...
        taxi = ledger.record_expense(
            group="Budapest", description="Taxi", amount="2,000", paid_by=[("bob", None)]
        )
        assert taxi.postings[0].minor == 2000
        with pytest.raises(InvalidInput, match="HUF allows no decimals"):
            ledger.record_expense(
                group="Budapest", description="Tip", amount="0.50", paid_by=[("bob", None)]
            )
        # ...a withdrawn currency the ledger used stays usable there...
        pretzel = ledger.record_expense(
            group="Bonn", description="Pretzel", amount="1.25", paid_by=[("dee", None)]
        )
        assert pretzel.postings[0].minor == 125
        # ...and a currency it had not used takes ISO 4217's exponent.
        coffee = ledger.record_expense(
            group="Budapest",
            description="Coffee",
            amount="10,500.50",
            currency="COP",
            paid_by=[("ann", None)],
        )
        assert coffee.postings[0].minor == 1050050
        assert _pins(ledger)["COP"] == 2
        assert ledger.verify().ok


def test_a_new_ledger_uses_iso_exponents(old_ledger: str, tmp_path: Path) -> None:
    with Ledger.open(str(tmp_path / "new.db")) as ledger:
        ledger.create_group("Budapest", "HUF", ["ann", "bob"])
        view = ledger.record_expense(
            group="Budapest", description="Dinner", amount="15,000.50", paid_by=[("ann", None)]
        )
        assert view.postings[0].minor == 1500050
        assert _pins(ledger) == {"HUF": 2}
        with pytest.raises(InvalidInput, match="DEM is not a current ISO 4217 currency"):
            ledger.create_group("Bonn", "DEM", ["cy"])


def test_two_ledgers_with_different_exponents_cannot_be_open_at_once(
    old_ledger: str, tmp_path: Path
) -> None:
    new = str(tmp_path / "new.db")
    with Ledger.open(old_ledger) as old, Ledger.open(new) as other:
        # The new ledger would pin HUF at 2, but this program reads HUF at 0.
        with pytest.raises(Conflict, match="this ledger keeps HUF amounts to 2 decimal places"):
            other.create_group("Budapest", "HUF", ["ann"])
        assert "HUF" not in _pins(other)  # nothing was written
        assert old.balances("Budapest").balances
    with Ledger.open(new) as other:
        other.create_group("Budapest", "HUF", ["ann"])
        with pytest.raises(Unavailable, match=r"it keeps HUF amounts to 0 decimal places, but a"):
            Ledger.open(old_ledger)
    assert pinned() == {}


def test_a_backup_restores_at_the_target_ledgers_exponents(old_ledger: str, tmp_path: Path) -> None:
    dump = tmp_path / "budapest.json"
    with Ledger.open(old_ledger) as ledger:
        with dump.open("w") as out:
            export_group(ledger, "Budapest", "json", out)
        before = {k: domain.to_decimal(v, k[1]) for k, v in _by(ledger, "Budapest").items()}
        # Read for this ledger (HUF at 0): the same integers.
        assert json_dump.read_dump(dump.read_text()).balances == _by(ledger, "Budapest")
    with Ledger.open(str(tmp_path / "new.db")) as ledger:
        # Into a new ledger (HUF at 2, IQD at 3): the same money, rescaled exactly.
        outcome = import_file(ledger, "Budapest", dump, "json")
        assert outcome.ok
        after = _by(ledger, "Budapest")
        assert after["ann", "HUF"] == 750000
        assert after["bob", "IQD"] == 1500000
        assert {k: domain.to_decimal(v, k[1]) for k, v in after.items()} == before
        assert _pins(ledger) == {"HUF": 2, "IQD": 3, "EUR": 2}
        assert ledger.verify().ok
        assert before[("ann", "HUF")] == Decimal(7500)


def test_the_frozen_cldr_tables_agree() -> None:
    """The migration and the JSON reader each keep the same frozen history."""
    path = MIGRATIONS / "versions" / "0003_pinned_currency_exponents.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CLDR_EXPONENTS == json_dump._V1_EXPONENTS
    assert module.CLDR_DEFAULT == json_dump._V1_DEFAULT == 2
    assert {c: module.CLDR_EXPONENTS[c] for c in ("HUF", "IDR", "COP", "IQD")} == dict.fromkeys(
        ("HUF", "IDR", "COP", "IQD"), 0
    )


def test_a_json_dump_says_which_exponents_its_amounts_use(old_ledger: str) -> None:
    with Ledger.open(old_ledger) as ledger:
        out = io.StringIO()
        export_group(ledger, "Budapest", "json", out)
    assert '"currencies": {"EUR": 2, "HUF": 0, "IQD": 0}' in out.getvalue()
