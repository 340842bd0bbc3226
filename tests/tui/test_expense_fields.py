"""The form's pure helpers: an existing expense loaded into the edit form and saved
unchanged reproduces its postings exactly (Hypothesis), and errors land by the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import format_amount
from splitledger.services.ledger import Ledger
from splitledger.services.views import GroupView, PostingView, TxView
from splitledger.tui.expense_fields import (
    SEVERAL,
    FormInput,
    MemberRow,
    error_slot,
    field_problems,
    from_expense,
    remaining,
    to_fields,
)

MEMBERS = ("ann", "bob", "cy", "dee")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with Ledger.open(str(tmp_path_factory.mktemp("fields") / "l.db"), actor="t") as opened:
        yield opened


GROUP = GroupView(1, "Trip", "EUR", MEMBERS)


def money(minor: int) -> str:
    return format_amount(minor, "EUR", grouping=False)


@st.composite
def expenses(draw: st.DrawFn) -> dict[str, object]:
    total = draw(st.integers(min_value=1, max_value=10**9))
    payers = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, total), max_size=len(payers) - 1)))
    bounds = [0, *cuts, total]
    paid = [b - a for a, b in itertools.pairwise(bounds)]
    paid_by = tuple((p, money(m)) for p, m in zip(payers, paid, strict=False) if m > 0)
    mode = draw(st.sampled_from(["equal", "shares", "percent"]))
    chosen = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
    if mode == "equal":
        parts = tuple((m, None) for m in chosen)
    elif mode == "shares":
        parts = tuple((m, str(draw(st.integers(1, 9)))) for m in chosen)
    else:
        parts = (*tuple((m, "0") for m in chosen[:-1]), (chosen[-1], "100"))
    return {
        "description": "x",
        "amount": money(total),
        "paid_by": paid_by,
        "split": mode,
        "participants": parts,
        "date": dt.date(2026, 6, 1),
        "category": "food",
    }


@given(fields=expenses())
def test_editing_without_changes_reproduces_the_postings(
    ledger: Ledger, fields: dict[str, object]
) -> None:
    original = ledger.preview_expense(GROUP, **fields)
    view = TxView(
        id=1,
        group="Trip",
        seq=1,
        kind="expense",
        date=original.date,
        description=original.description,
        category=original.category,
        idempotency_key="k",
        postings=tuple(PostingView(p.account, p.currency, p.minor) for p in original.postings),
    )
    again = ledger.preview_expense(GROUP, **to_fields(from_expense(view, MEMBERS)))
    assert Counter(again.postings) == Counter(original.postings)
    assert (again.date, again.category) == (original.date, original.category)


def test_remaining_reports_what_is_left_to_assign() -> None:
    postings = (PostingView("ann", "EUR", 1000), PostingView("bob", "EUR", -1000))
    tx = TxView(1, "Trip", 1, "expense", dt.date(2026, 6, 1), "x", "", "k", postings)
    form = from_expense(tx, MEMBERS)
    assert remaining(form, "EUR") == []
    assert remaining(dataclasses.replace(form, amount="12.50"), "EUR") == [
        "exact: 2.50 EUR unassigned"
    ]
    # bob's share (10.00) read as a percentage leaves 90 % to assign
    assert remaining(dataclasses.replace(form, mode="percent"), "EUR") == [
        "percent: 90.00% unassigned"
    ]


@pytest.mark.parametrize(
    ("field", "slot"),
    [
        ("amount", "amount"),
        ("paid by ann", "paid_by"),
        ("paid_by", "paid_by"),
        ("share of bob", "split"),
        ("percent", "split"),
        ("participants", "split"),
        ("date", "date"),
        (None, "form"),
        ("key", "form"),
    ],
)
def test_errors_land_next_to_their_field(field: str | None, slot: str) -> None:
    assert error_slot(field) == slot


def test_each_number_the_domain_refuses_is_a_problem_at_its_input() -> None:
    rows = (
        MemberRow("ann", True, "1e3", "10"),
        MemberRow("bob", True, "5", "1 000"),
        MemberRow("cy", False, "", "0x10"),  # not sharing: its value is not read
        MemberRow("dee", True, "", ""),
    )
    form = FormInput("x", "10 eur", "2026-06-01", "", SEVERAL, "exact", rows)
    problems = field_problems(form, "EUR")
    assert [(p.input_id, p.slot) for p in problems] == [
        ("amount", "amount"),
        ("paid-0", "paid_by"),
        ("value-1", "split"),
    ]
    assert problems[1].message.startswith("paid by ann: '1e3'")
    assert problems[2].message.startswith("share of bob: '1 000'")
    fine = dataclasses.replace(form, amount="1,000.50", payer="ann", mode="equal")
    assert field_problems(fine, "EUR") == []


def test_an_edited_legacy_expense_starts_with_its_text_as_shown() -> None:
    postings = (PostingView("ann", "EUR", 1000), PostingView("bob", "EUR", -1000))
    tx = TxView(1, "Trip", 1, "expense", dt.date(2026, 6, 1), "a\x1b[2Jb", "c\u202e", "k", postings)
    form = from_expense(tx, MEMBERS)
    assert (form.description, form.category) == ("a␛[2Jb", "c\ufffd")
