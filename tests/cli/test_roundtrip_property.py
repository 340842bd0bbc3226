"""Property: for any history built through the services, export to JSON and import into
an empty database gives identical balances and history (SQLite; the example-based tests
cover PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.services import interchange
from splitledger.services.errors import Conflict, InvalidInput
from splitledger.services.ledger import Ledger

MEMBERS = ["ann", "bob", "cy", "dee"]

expense = st.tuples(
    st.just("expense"),
    st.integers(1, 10**7),
    st.sampled_from(MEMBERS),
    st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True),
    st.sampled_from(["EUR", "JPY"]),
)
payment = st.tuples(
    st.just("payment"),
    st.integers(1, 10**6),
    st.sampled_from(MEMBERS),
    st.sampled_from(MEMBERS),
    st.sampled_from(["EUR", "BHD"]),
)
reverse = st.tuples(st.just("reverse"), st.integers(1, 30))
Op = (
    tuple[Literal["expense"], int, str, list[str], str]
    | tuple[Literal["payment"], int, str, str, str]
    | tuple[Literal["reverse"], int]
)


def _apply(ledger: Ledger, ops: list[Op]) -> None:
    day = dt.date(2026, 1, 1)
    for i, op in enumerate(ops):
        date = day + dt.timedelta(days=i % 7)
        try:
            match op:
                case ("expense", minor, payer, shares, cur):
                    ledger.record_expense(
                        group="G", description=f"e{i}", amount=str(minor), currency=cur,
                        paid_by=[(payer, None)], participants=[(m, None) for m in shares],
                        date=date,
                    )  # fmt: skip
                case ("payment", minor, payer, payee, cur):
                    ledger.record_payment(
                        group="G", payer=payer, payee=payee, amount=str(minor), currency=cur,
                        date=date,
                    )  # fmt: skip
                case ("reverse", tx_id):
                    ledger.reverse(tx_id, date=date)
        except (InvalidInput, Conflict):
            pass  # e.g. paying oneself, reversing a reversal: refused, nothing written


@settings(max_examples=5)
@given(st.lists(st.one_of(expense, payment, reverse), max_size=15))
def test_json_export_import_preserves_balances_and_history(ops: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Ledger.open(str(folder / "a.db"), actor="t") as source:
            source.create_group("G", "EUR", MEMBERS)
            _apply(source, ops)
            out = io.StringIO()
            interchange.export_group(source, "G", "json", out)
            (folder / "g.json").write_text(out.getvalue(), encoding="utf-8")
            want_balances = source.balances("G").balances
            want_history = source.history("G", limit=100)
        with Ledger.open(str(folder / "b.db"), actor="t") as target:
            outcome = interchange.import_file(target, "G", folder / "g.json", "json")
            assert outcome.ok
            assert target.balances("G").balances == want_balances
            assert target.history("G", limit=100) == want_history
            assert target.verify().ok
