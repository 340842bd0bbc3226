"""The payment form's preview is what recording stores (ADR 0012): `preview_payment`
and `record_payment` share one builder, so for any payment the services take, the
previewed transaction is the recorded one; and one they refuse, they refuse alike."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger import domain
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger

MEMBERS = ("ann", "bob", "cy")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(
    pair=st.permutations(MEMBERS).map(lambda p: p[:2]),
    minor=st.integers(1, 10**9),
    currency=st.sampled_from(["EUR", "JPY", "BHD"]),
    day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    note=st.sampled_from(["", "cash", "[bold]x[/]"]),
    spelled=st.booleans(),
)
def test_what_the_preview_shows_is_what_is_recorded(
    trip: Ledger,
    pair: tuple[str, str],
    minor: int,
    currency: str,
    day: dt.date,
    note: str,
    spelled: bool,
) -> None:
    payer, payee = pair
    fields = {
        "payer": payer.upper() if spelled else payer,  # `Ann` pays as `ann`
        "payee": payee,
        "amount": domain.format_amount(minor, currency, grouping=False),
        "currency": currency,
        "date": day,
        "note": note,
    }
    key = f"p:{payer}:{payee}:{minor}:{currency}:{day}:{note}:{spelled}"
    shown = trip.preview_payment(trip.group("Trip"), key=key, **fields)  # type: ignore[arg-type]
    stored = trip.record_payment("Trip", key=key, **fields)  # type: ignore[arg-type]
    assert [(p.member, p.currency, p.minor) for p in stored.postings] == [
        (p.account, p.currency, p.minor) for p in shown.postings
    ]
    assert (stored.date, stored.description, stored.note) == (
        shown.date,
        shown.description,
        shown.note,
    )


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"payer": "ann", "payee": "ann", "amount": "5"}, "cannot pay themselves"),
        ({"payer": "ann", "payee": "bob", "amount": "1.234"}, "decimal places"),
        ({"payer": "ann", "payee": "bob", "amount": "0"}, "must not be zero"),
    ],
)
def test_the_preview_refuses_what_recording_refuses(
    trip: Ledger, fields: dict[str, str], said: str
) -> None:
    for attempt in (
        lambda: trip.preview_payment(trip.group("Trip"), **fields),  # type: ignore[arg-type]
        lambda: trip.record_payment("Trip", **fields),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput, match=said):
            attempt()
