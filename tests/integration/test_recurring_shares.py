"""What the app previews of a recurring bill is what each occurrence records (ADR 0012):
the shares of the bill dated D, built as the form builds its preview (the bill's fields
under `share_key(group, description, D)`), are the postings `run_recurring` records for
D, for random amounts, currencies, members, splits, descriptions and rules. Before, the
preview was seeded by the form's key and the occurrence by `recurring:<id>:<date>`, so the
odd cent of 15.99 among four fell on someone else than the form showed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger.domain import format_amount
from splitledger.domain.recurrence import LAST_DAY, Rule, first_after, occurrences
from splitledger.services.demo import load_demo
from splitledger.services.ledger import Ledger
from splitledger.services.recurring import share_key
from splitledger.services.views import GroupView
from tests.databases import migrated_sqlite

NAMES = ("ann", "bob", "cy", "dee", "eve", "fay")
#: Descriptions as typed, some of them stored otherwise (trimmed, NFC): the key must
#: follow what is stored, as the form's preview follows what is typed.
DESCRIPTIONS = ("Netflix", "  Rent ", "Cafe\u0301", "Caf\u00e9", "Miete [b]x[/b]", "🎬 streaming")
CURRENCIES = ("EUR", "JPY", "KWD")
_groups = itertools.count(1)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Ledger]:
    """One ledger for every example (each adds a group of its own)."""
    path = tmp_path_factory.mktemp("shares") / "ledger.db"
    migrated_sqlite(sqlite_template, path)
    with Ledger.open(str(path), actor="tester") as opened:
        yield opened


Triples = list[tuple[str, str, int]]


def recorded_postings(book: Ledger, tx_id: int | None) -> Triples:
    assert tx_id is not None
    return sorted((p.member, p.currency, p.minor) for p in book.transaction(tx_id).tx.postings)


def preview(book: Ledger, group: GroupView, fields: dict[str, Any], date: dt.date) -> Triples:
    """The postings of the bill dated `date` as the form previews it (the services' own
    build, under the key the form takes for it)."""
    key = share_key(group.id, fields["description"], date)
    built = book.preview_expense(group, **fields, key=key)
    return sorted((p.account, p.currency, p.minor) for p in built.postings)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    every = draw(st.sampled_from(["day", "week", "month", "year"]))
    starts = dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3650)))
    day = None
    if every in ("month", "year") and draw(st.booleans()):
        day = draw(st.sampled_from([1, 15, 29, 30, 31, LAST_DAY]))
    interval = draw(st.integers(1, 3))
    return Rule(every, starts, interval, day)  # type: ignore[arg-type]


@st.composite
def bills(draw: st.DrawFn, members: tuple[str, ...], currency: str) -> dict[str, Any]:
    """A bill's fields: an amount, one payer, an equal split (everyone or some) or
    shares."""
    minor = draw(st.integers(1, 10**6))
    fields: dict[str, Any] = {
        "description": draw(st.sampled_from(DESCRIPTIONS)),
        "amount": format_amount(minor, currency, grouping=False),
        "currency": currency,
        "paid_by": [(draw(st.sampled_from(members)), None)],
    }
    mode = draw(st.sampled_from(["everyone", "equal", "shares"]))
    if mode != "everyone":
        some = draw(st.lists(st.sampled_from(members), min_size=1, unique=True))
        if mode == "equal":
            fields["participants"] = [(m, None) for m in some]
        else:
            fields["split"] = "shares"
            fields["participants"] = [(m, str(draw(st.integers(1, 7)))) for m in some]
    return fields


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), rule=rules())
def test_each_occurrence_records_the_shares_previewed_for_its_date(
    book: Ledger, data: st.DataObject, rule: Rule
) -> None:
    members = NAMES[: data.draw(st.integers(2, len(NAMES)), label="members")]
    currency = data.draw(st.sampled_from(CURRENCIES), label="currency")
    group = book.create_group(f"G{next(_groups)}", currency, list(members))
    fields = data.draw(bills(members, currency), label="bill")
    dates = list(itertools.islice(occurrences(rule, through=dt.date(2099, 12, 31)), 3))
    # What the form previews: the first bill, built on the form's date (the rule's start).
    first = preview(book, group, {**fields, "date": rule.starts}, dates[0])
    view = book.add_schedule(
        group.name,
        **fields,
        every=rule.every,
        interval=rule.interval,
        day_of_month=rule.day_of_month,
        starts=rule.starts,
    )
    book.today_override = dates[-1]
    report = book.run_recurring(group.name)
    recorded = report.having("recorded")
    assert [o.date for o in recorded] == dates
    assert recorded[0].date == first_after(rule, None)  # the date the form previews
    for occurrence in recorded:
        assert occurrence.tx_id is not None
        key = book.transaction(occurrence.tx_id).tx.idempotency_key
        assert key == f"recurring:{view.id}:{occurrence.date.isoformat()}"  # as ever
        postings = recorded_postings(book, occurrence.tx_id)
        assert postings == preview(book, group, fields, occurrence.date)
    assert recorded_postings(book, recorded[0].tx_id) == first


def test_the_netflix_of_the_demo_trip_records_what_the_form_showed(ledger: Ledger) -> None:
    """The report: 15.99 among four from 2026-09-30, Alice pays. The form showed one
    person's 3.99, the bill charged another's."""
    group = load_demo(ledger)
    fields: dict[str, Any] = {
        "description": "Netflix",
        "amount": "15.99",
        "paid_by": [("Alice", None)],
    }
    day, later = dt.date(2026, 9, 30), dt.date(2026, 10, 30)
    shown = preview(ledger, group, {**fields, "date": day}, day)
    ledger.add_schedule(group.name, **fields, every="month", starts=day)
    ledger.today_override = later
    recorded = ledger.run_recurring(group.name).having("recorded")
    assert [o.date for o in recorded] == [day, later]
    assert recorded_postings(ledger, recorded[0].tx_id) == shown
    assert sorted(-m for _, _, m in shown if m < 0) == [399, 400, 400, 400]
    assert recorded_postings(ledger, recorded[1].tx_id) == preview(ledger, group, fields, later)
