"""History pages from either end: `oldest` and `after` walk the same transactions as
`before`, in the same order, with every filter (SQLite and PostgreSQL; the property runs
on SQLite)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.services.errors import InvalidInput, NotFound
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from tests.databases import new_sqlite_ledger

DAY = dt.date(2026, 3, 1)
MEMBERS = ["ann", "bob", "cy"]


def _record(ledger: Ledger, days: list[int]) -> None:
    """An expense per entry of `days` (days after DAY; repeats share a date), a payment
    by cy every fifth one and one reversal: a history with ties on the date."""
    for i, day in enumerate(days):
        date = DAY + dt.timedelta(days=day)
        ledger.record_expense(
            group="Trip",
            description=f"Coffee {i}" if i % 3 else f"Lunch {i}",
            amount=str(3 + i),
            paid_by=[(MEMBERS[i % 2], None)],
            participants=[("ann", None), ("bob", None)],
            date=date,
            category="food" if i % 2 else "fun",
        )
        if i % 5 == 4:
            ledger.record_payment(group="Trip", payer="cy", payee="ann", amount="1", date=date)
    if days:
        ledger.reverse(ledger.history("Trip", limit=1)[0].id)  # on the same day


def _newest_first(ledger: Ledger, limit: int, **filters: object) -> list[TxView]:
    pages: list[TxView] = []
    before: tuple[dt.date, int] | None = None
    while True:
        page = ledger.history("Trip", limit=limit, before=before, **filters)  # type: ignore[arg-type]
        pages.extend(page)
        if len(page) < limit:
            return pages
        before = (page[-1].date, page[-1].id)


def _oldest_first(ledger: Ledger, limit: int, **filters: object) -> list[TxView]:
    """From the oldest page towards newer with `after`; each page is newest first, so
    the pages are put together newest first too (each new page goes in front)."""
    page = ledger.history("Trip", limit=limit, oldest=True, **filters)  # type: ignore[arg-type]
    pages = list(page)
    while len(page) == limit:
        page = ledger.history("Trip", limit=limit, after=(pages[0].date, pages[0].id), **filters)  # type: ignore[arg-type]
        pages[:0] = page
    return pages


FILTERS: list[dict[str, object]] = [
    {},
    {"text": "coffee"},
    {"member": "cy"},
    {"category": "FOOD"},
    {"kind": "expense"},
    {"date_from": DAY + dt.timedelta(days=2), "date_to": DAY + dt.timedelta(days=5)},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_oldest_and_after_page_from_the_other_end(trip: Ledger, filters: dict[str, object]) -> None:
    _record(trip, [0, 0, 1, 2, 2, 2, 3, 4, 5, 5, 6, 7, 7])
    everything = trip.history("Trip", limit=1000, **filters)  # type: ignore[arg-type]
    assert everything, "every filter matches something"
    oldest = trip.history("Trip", limit=3, oldest=True, **filters)  # type: ignore[arg-type]
    assert oldest == everything[-3:]
    key = (everything[-1].date, everything[-1].id)
    newer = trip.history("Trip", limit=2, after=key, **filters)  # type: ignore[arg-type]
    assert newer == everything[-3:-1]
    assert _oldest_first(trip, 3, **filters) == everything
    top = (everything[0].date, everything[0].id)
    assert trip.history("Trip", limit=5, after=top, **filters) == []  # type: ignore[arg-type]


def test_the_existing_arguments_page_as_before(trip: Ledger) -> None:
    _record(trip, [0, 1, 1, 2])
    everything = trip.history("Trip", limit=1000)
    assert [(t.date, t.id) for t in everything] == sorted(
        ((t.date, t.id) for t in everything), reverse=True
    )
    assert trip.history("Trip", limit=2) == everything[:2]
    assert (
        trip.history("Trip", limit=2, before=(everything[1].date, everything[1].id))
        == (everything[2:4])
    )


def test_one_end_at_a_time(trip: Ledger) -> None:
    key = (DAY, 1)
    with pytest.raises(InvalidInput, match="at most one"):
        trip.history("Trip", before=key, after=key)
    with pytest.raises(InvalidInput, match="at most one"):
        trip.history("Trip", oldest=True, after=key)
    with pytest.raises(InvalidInput, match="at most one"):
        trip.history("Trip", oldest=True, before=key)
    assert trip.history("Trip", oldest=True) == []


@settings(max_examples=25, deadline=None)
@given(
    days=st.lists(st.integers(0, 4), max_size=14),
    limit=st.integers(1, 6),
    filters=st.sampled_from(FILTERS),
)
def test_walking_from_the_oldest_visits_what_walking_from_the_newest_does(
    days: list[int], limit: int, filters: dict[str, object], sqlite_template: Path
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        Ledger.open(new_sqlite_ledger(sqlite_template, Path(tmp)), actor="t") as ledger,
    ):
        ledger.create_group("Trip", "EUR", MEMBERS)
        _record(ledger, days)
        newest_first = _newest_first(ledger, limit, **filters)
        assert _oldest_first(ledger, limit, **filters) == newest_first
        assert len({t.id for t in newest_first}) == len(newest_first)


# -- search is literal; members are named; pages say whether more follow ----------


def _described(ledger: Ledger, *descriptions: str) -> None:
    for description in descriptions:
        ledger.record_expense(
            group="Trip",
            description=description,
            amount="3",
            paid_by=[("ann", None)],
            date=DAY,
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", ["100% juice"]),
        ("_", ["snake_case"]),
        ("\\", ["back\\slash"]),
        ("0%", ["100% juice"]),
        ("e_c", ["snake_case"]),
        ("\\%", []),
        ("%%", []),
        ("/", ["either/or"]),  # the escape character SQLAlchemy's autoescape uses
        ("/%", []),
        ("r/o", ["either/or"]),
        ("juice", ["100% juice"]),
        ("SNAKE", ["snake_case"]),
        ("Écl", ["Éclair"]),  # text as typed matches, whatever lower() folds
        ("É", ["Éclair"]),
    ],
)
def test_text_search_is_literal(trip: Ledger, text: str, expected: list[str]) -> None:
    """`%`, `_`, `/` and `\\` in the search text match themselves, on SQLite and
    PostgreSQL."""
    _described(trip, "100% juice", "snake_case", "back\\slash", "either/or", "plain", "Éclair")
    found = [t.description for t in trip.history("Trip", text=text)]
    assert found == expected
    assert [t.description for t in trip.history_page("Trip", text=text).transactions] == expected


def test_a_member_filter_names_a_member(trip: Ledger) -> None:
    _record(trip, [0, 1, 2])
    with pytest.raises(NotFound, match="no member named 'zed' in 'Trip'"):
        trip.history("Trip", member="zed")
    with pytest.raises(NotFound, match="no member named 'zed' in 'Trip'"):
        trip.history_page("Trip", member="zed")
    # a name that reads the same finds the member, as everywhere (ADR 0010)
    assert trip.history("Trip", member="CY") == trip.history("Trip", member="cy")
    assert trip.history("Trip", member="\u0441y") == trip.history("Trip", member="cy")


def test_pages_say_whether_more_follow_and_continue_from_an_id(trip: Ledger) -> None:
    _record(trip, [0, 0, 1, 2, 2, 3, 4])
    everything = trip.history("Trip", limit=1000, kind="expense")
    walked: list[TxView] = []
    before: int | None = None
    while True:
        page = trip.history_page("Trip", limit=3, before_id=before, kind="expense")
        walked.extend(page.transactions)
        if not page.more:
            break
        before = page.transactions[-1].id
    assert walked == everything
    exact = trip.history_page("Trip", limit=len(everything), kind="expense")
    assert (list(exact.transactions), exact.more) == (everything, False)


@pytest.mark.parametrize("before_id", [0, -1, 999, 2**63 - 1, 2**63, 10**30])
def test_a_page_continues_only_from_a_transaction_of_the_group(
    trip: Ledger, before_id: int
) -> None:
    _record(trip, [0])
    with pytest.raises(NotFound, match=f"no such transaction #{before_id} in 'Trip'"):
        trip.history_page("Trip", before_id=before_id)


def test_a_page_does_not_continue_from_another_groups_transaction(trip: Ledger) -> None:
    trip.create_group("Other", "EUR", ["ann", "bob"])
    other = trip.record_payment(group="Other", payer="ann", payee="bob", amount="1")
    with pytest.raises(NotFound, match=f"no such transaction #{other.id} in 'Trip'"):
        trip.history_page("Trip", before_id=other.id)
