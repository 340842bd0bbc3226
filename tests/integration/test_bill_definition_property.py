"""Property: whatever expense is asked for (any split mode, one or several payers, any
amount and currency), its stored definition rebuilds exactly the recorded postings, and
an edit that names no field records nothing (ADR 0011)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger import domain
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger

MEMBERS = ["ann", "bob", "cy", "dee"]
Assign = list[tuple[str, str | None]]


def _cuts(draw: st.DrawFn, total: int, parts: int, *, low: int) -> list[int]:
    """`parts` integers of at least `low` summing to `total` (total >= parts * low)."""
    spare = total - parts * low
    points = sorted(draw(st.lists(st.integers(0, spare), min_size=parts - 1, max_size=parts - 1)))
    return [b - a + low for a, b in zip([0, *points], [*points, spare], strict=True)]


@st.composite
def expenses(draw: st.DrawFn) -> ExpenseFields:
    currency = draw(st.sampled_from(["EUR", "JPY", "BHD"]))

    def text(minor: int) -> str:
        return domain.format_amount(minor, currency, grouping=draw(st.booleans()))

    total = draw(st.integers(12, 10**7))
    payers = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3, unique=True))
    paid: Assign
    if len(payers) == 1:
        paid = [(payers[0], draw(st.sampled_from([None, text(total)])))]
    else:
        amounts = _cuts(draw, total, len(payers), low=1)
        rest = draw(st.booleans())
        paid = [
            (p, None if rest and i == len(payers) - 1 else text(a))
            for i, (p, a) in enumerate(zip(payers, amounts, strict=True))
        ]
    split = draw(st.sampled_from(["equal", "exact", "percent", "shares", "adjust"]))
    chosen = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
    everyone = split in ("equal", "shares", "adjust") and draw(st.booleans())
    parts: Assign = []
    if split == "equal":
        parts = [(m, None) for m in chosen]
    elif split == "exact":
        shares = _cuts(draw, total, len(chosen), low=0)
        parts = [(m, text(s)) for m, s in zip(chosen, shares, strict=True)]
    elif split == "percent":
        points = _cuts(draw, 10_000, len(chosen), low=0)  # hundredths of a percent
        parts = [
            (m, f"{Decimal(p).scaleb(-2)}" + draw(st.sampled_from(["", "%"])))
            for m, p in zip(chosen, points, strict=True)
        ]
    elif split == "shares":
        weights = draw(
            st.lists(st.sampled_from([None, "0", "1", "2.5", "3"]), min_size=4, max_size=4)
        )
        if all(w == "0" for w in weights[: len(chosen)]):
            weights[0] = None
        parts = [(m, w) for m, w in zip(chosen, weights, strict=False)]
    else:
        bound = total // (4 * len(MEMBERS))
        adjust = st.one_of(st.none(), st.integers(-bound, bound).map(text))
        parts = [(m, draw(adjust)) for m in chosen]
    return {
        "description": "Bill",
        "amount": text(total),
        "currency": currency,
        "paid_by": paid,
        "split": split,
        "participants": [] if everyone else parts,
    }


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(request=expenses())
def test_a_definition_rebuilds_the_recorded_postings(
    ledger: Ledger, request: ExpenseFields
) -> None:
    if not ledger.groups():
        ledger.create_group("G", "EUR", MEMBERS)
    tx = ledger.record_expense("G", **request)
    defn = ledger.expense_definition(tx.id)
    assert not defn.derived
    again = ledger.preview_expense(ledger.group("G"), **defn.as_fields(), key=tx.idempotency_key)
    assert [(p.account, p.currency, p.minor) for p in again.postings] == [
        (p.member, p.currency, p.minor) for p in tx.postings
    ]
    nothing = ledger.edit_expense(tx.id)
    assert (nothing.tx, nothing.changes) == (None, ())
    assert ledger.edit_expense(tx.id, **defn.as_fields()).tx is None
    assert ledger.transaction(tx.id).tx.reversed_by is None
