"""`share_key`, which seeds who takes the odd cent of a recurring bill (ADR 0003): the
same for the same group, description (as stored: trimmed, NFC) and date, so the form's
preview and every retry agree; another for another date, so the odd cent still moves
around (3,000 daily bills of 100.00 among three: each takes it 1,000 ± 100 times, as
ADR 0003 promises of keys); and always a key the services accept. Also: a rule's
interval, count and day of month are whole numbers (a bool, 1.5 or "2" is refused)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest

from splitledger.domain import Equal, build_expense
from splitledger.domain.recurrence import RecurrenceError, Rule
from splitledger.services.recurring import share_key

DAY = dt.date(2026, 9, 30)


def test_the_same_bill_has_the_same_key_as_stored() -> None:
    assert share_key(1, "Netflix", DAY) == share_key(1, "Netflix", DAY)
    assert share_key(1, "  Netflix ", DAY) == share_key(1, "Netflix", DAY)  # trimmed
    assert share_key(1, "Cafe\u0301", DAY) == share_key(1, "Caf\u00e9", DAY)  # NFC
    assert share_key(1, "Netflix", DAY) != share_key(1, "Netflix", DAY + dt.timedelta(days=1))
    assert share_key(1, "Netflix", DAY) != share_key(2, "Netflix", DAY)
    assert share_key(1, "Netflix", DAY) != share_key(1, "Rent", DAY)


def test_it_is_a_key_the_services_take_whatever_the_description() -> None:
    for text in ("x" * 500, "[b]x[/b]", "\x1b]2;PWNED\x07", "\ud800", ""):
        key = share_key(2**63 - 1, text, dt.date(2099, 12, 31))
        assert key.isascii()
        assert key.isprintable()
        assert len(key) <= 180  # RecordExpense's Key


def test_the_odd_cent_moves_from_bill_to_bill() -> None:
    members = ("ann", "bob", "cy")
    odd: Counter[str] = Counter()
    for day in range(3000):
        date = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        tx = build_expense(
            total=10000,
            currency="EUR",
            payers={"ann": 10000},
            split=Equal(members),
            date=date,
            description="Rent",
            idempotency_key=share_key(1, "Rent", date),
        )
        odd.update(p.account for p in tx.postings if p.minor == -3334)
    assert sum(odd.values()) == 3000
    for member in members:
        assert abs(odd[member] - 1000) <= 100, odd
    assert Fraction(max(odd.values()), min(odd.values())) < Fraction(6, 5)


@pytest.mark.parametrize("field", ["interval", "count", "day_of_month"])
@pytest.mark.parametrize("value", [True, 1.5, "2", 0, -2])  # (-1: the last day)
def test_rule_numbers_are_whole(field: str, value: object) -> None:
    with pytest.raises(RecurrenceError) as refused:
        Rule("month", DAY, **{field: value})  # type: ignore[arg-type]
    assert refused.value.field == field
    assert repr(value) in str(refused.value)
