"""Property: for any group built through the services, `export --format splitwise` then
`import --format auto` into an empty database gives the same balances (issue 18), the
import reconciles against the file's own footers, and importing the file again records
nothing. Names a spreadsheet would run as a formula come back with the leading `'` the
export gives every such CSV cell (csv_safe); every other name as it was."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.interop.csv_safe import neutralise
from splitledger.services import interchange
from splitledger.services.errors import Conflict, InvalidInput, NotFound
from splitledger.services.ledger import Ledger

MEMBERS = ["ann", "Bob Smith", "zoë", "李雷", "=cmd"]

expense = st.tuples(
    st.just("expense"),
    st.integers(1, 10**7),
    st.sampled_from(MEMBERS),
    st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=5, unique=True),
    st.sampled_from(["EUR", "JPY", "BHD"]),
)
payment = st.tuples(
    st.just("payment"),
    st.integers(1, 10**6),
    st.sampled_from(MEMBERS),
    st.sampled_from(MEMBERS),
    st.sampled_from(["EUR", "USD"]),
)
reverse = st.tuples(st.just("reverse"), st.integers(1, 30))
remove = st.tuples(st.just("remove"), st.sampled_from(MEMBERS))
Op = (
    tuple[Literal["expense"], int, str, list[str], str]
    | tuple[Literal["payment"], int, str, str, str]
    | tuple[Literal["reverse"], int]
    | tuple[Literal["remove"], str]
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
                case ("remove", name):
                    ledger.remove_member("G", name)
        except (InvalidInput, Conflict, NotFound):
            pass  # paying oneself, a removed member, a balance left: refused, nothing written


def _nonzero(ledger: Ledger) -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances("G").balances if b.minor}


@settings(max_examples=8, deadline=None)
@given(st.lists(st.one_of(expense, payment, reverse, remove), max_size=15))
def test_splitwise_export_import_gives_the_same_balances(ops: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Ledger.open(str(folder / "a.db"), actor="t") as source:
            source.create_group("G", "EUR", MEMBERS)
            _apply(source, ops)
            out = io.StringIO()
            interchange.export_group(source, "G", "splitwise", out)
            (folder / "g.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
            want = {(neutralise(m), c): v for (m, c), v in _nonzero(source).items()}
        with Ledger.open(str(folder / "b.db"), actor="t") as target:
            outcome = interchange.import_file(target, "G", folder / "g.csv", "auto", currency="EUR")
            assert (outcome.format, outcome.detected, outcome.ok) == ("splitwise", True, True)
            assert outcome.totals_from == "file"
            assert _nonzero(target) == want
            again = interchange.import_file(target, "G", folder / "g.csv", "auto")
            assert (again.report.recorded, again.ok) == (0, True)
            assert target.verify().ok
