"""The form's pure helpers: an expense's definition loaded into the edit form shows all of
it and, saved unchanged, reproduces its postings exactly (Hypothesis); what an edit
passes on is only what changed; errors land by the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import format_amount
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger
from splitledger.services.views import ExpenseDefinition, GroupView
from splitledger.tui.expense_edits import (
    edit_plan,
    from_definition,
    hidden,
)
from splitledger.tui.expense_fields import (
    REST,
    SEVERAL,
    FormInput,
    MemberRow,
    error_slot,
    field_problems,
    form_currency,
    remaining,
    to_fields,
)
from splitledger.tui.expense_items import ItemRow, receipt_line

MEMBERS = ("ann", "bob", "cy", "dee")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with Ledger.open(str(tmp_path_factory.mktemp("fields") / "l.db"), actor="t") as opened:
        yield opened


GROUP = GroupView(1, "Trip", "EUR", MEMBERS)


def money(minor: int) -> str:
    return format_amount(minor, "EUR", grouping=False)


@st.composite
def expenses(draw: st.DrawFn) -> ExpenseFields:
    total = draw(st.integers(min_value=1, max_value=10**9))
    payers = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, total), max_size=len(payers) - 1)))
    bounds = [0, *cuts, total]
    paid = [b - a for a, b in itertools.pairwise(bounds)]
    paid_by: tuple[tuple[str, str | None], ...] = tuple(
        (p, money(m)) for p, m in zip(payers, paid, strict=False) if m > 0
    )
    if len(paid_by) == 1:
        paid_by = ((paid_by[0][0], None),)  # a lone payer pays it all
    elif draw(st.booleans()):
        paid_by = (*paid_by[:-1], (paid_by[-1][0], None))  # the last one pays the rest
    mode = draw(st.sampled_from(["equal", "shares", "percent"]))
    chosen = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
    parts: tuple[tuple[str, str | None], ...]
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


def definition(**fields: object) -> ExpenseDefinition:
    base: dict[str, object] = {"tx_id": 1, "group": "Trip", "currency": "EUR", **fields}
    return ExpenseDefinition(**base)  # type: ignore[arg-type]


@given(fields=expenses())
def test_a_definition_opens_whole_and_unchanged_reproduces_the_postings(
    ledger: Ledger, fields: ExpenseFields
) -> None:
    original = ledger.preview_expense(GROUP, **fields, key="k")
    old = definition(**fields)
    start = from_definition(old, MEMBERS)
    assert hidden(old, start) == []
    plan = edit_plan(old, start, start)
    assert plan.changed == {}
    assert plan.unchanged
    again = ledger.preview_expense(GROUP, **plan.preview, key="k")
    assert Counter(again.postings) == Counter(original.postings)
    assert (again.date, again.category) == (original.date, original.category)


def test_an_edit_passes_on_only_what_changed() -> None:
    old = definition(
        description="Hotel",
        amount="100.00",
        paid_by=(("bob", "60.00"), ("ann", None)),
        split="equal",
        participants=(("cy", None), ("ann", None), ("bob", None)),
        date=dt.date(2026, 6, 1),
        category="",
    )
    start = from_definition(old, MEMBERS)
    assert start.payer == SEVERAL
    assert [(r.name, r.included, r.paid) for r in start.rows] == [
        ("ann", True, REST),
        ("bob", True, "60.00"),
        ("cy", True, ""),
        ("dee", False, ""),
    ]
    plan = edit_plan(old, start, dataclasses.replace(start, amount="120"))
    assert plan.changed == {"amount": "120"}
    assert plan.new is not None
    assert plan.new.amount == "120.00"
    assert plan.preview["participants"] == old.participants  # kept as stored
    assert not plan.unchanged
    rows = tuple(dataclasses.replace(r, value="1") for r in start.rows)
    plan = edit_plan(old, start, dataclasses.replace(start, mode="shares", rows=rows))
    assert set(plan.changed) == {"split", "participants"}


def test_remaining_reports_what_is_left_to_assign() -> None:
    old = definition(
        description="x",
        amount="10.00",
        paid_by=(("ann", None),),
        split="exact",
        participants=(("bob", "10.00"),),
        date=dt.date(2026, 6, 1),
        category="",
    )
    form = from_definition(old, MEMBERS)
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


def test_an_edited_legacy_expense_starts_with_its_text_as_shown_and_keeps_it() -> None:
    old = definition(
        description="a\x1b[2Jb",
        amount="10.00",
        paid_by=(("ann", None),),
        split="exact",
        participants=(("bob", "10.00"),),
        date=dt.date(2026, 6, 1),
        category="c\u202e",
        derived=True,
    )
    form = from_definition(old, MEMBERS)
    assert (form.description, form.category) == ("a␛[2Jb", "c\ufffd")
    plan = edit_plan(old, form, form)
    assert "description" not in plan.changed  # the stored text is kept, not its stand-ins
    assert plan.unchanged


# -- issue 15: the currency field and the itemised receipt -------------------------

RECEIPT = FormInput(
    "Dinner",
    "50.00",
    "2026-06-01",
    "",
    "ann",
    "itemised",
    tuple(MemberRow(m, True, "", "") for m in MEMBERS),
    currency="EUR",
    items=(
        ItemRow("Pizza", "30.00", ("ann", "bob")),
        ItemRow("", "", MEMBERS),  # a blank line: not part of the receipt
        ItemRow("Wine", "12", ("cy",)),
    ),
    tax="3",
    tip="",
)


def test_a_receipt_becomes_items_tax_and_tip_without_participants() -> None:
    fields = to_fields(RECEIPT)
    assert fields["split"] == "itemised"
    assert "participants" not in fields
    assert fields["items"] == (("Pizza", "30.00", ("ann", "bob")), ("Wine", "12", ("cy",)))
    assert (fields["tax"], fields["tip"], fields["currency"]) == ("3", None, "EUR")
    assert remaining(RECEIPT, "EUR") == ["receipt: 5.00 EUR left to assign"]
    over = dataclasses.replace(RECEIPT, tip="6")
    assert remaining(over, "EUR") == ["receipt: 1.00 EUR over the amount"]
    assert receipt_line("50.00", over.items, over.tax, over.tip, "EUR") == (
        "lines 42.00 + tax 3.00 + tip 6.00 = 51.00 EUR · receipt: 1.00 EUR over the amount"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (ItemRow("", "5", ("ann",)), "item 1: what was it?"),
        (ItemRow("Soup", "", ("ann",)), "item 1: how much was it?"),
        (ItemRow("Soup", "5", ()), "item 1: tick who shares it"),
        (ItemRow(" ", "", ("ann",)), "items: type the receipt's first line"),
    ],
)
def test_an_unfinished_line_is_named_with_what_it_lacks(line: ItemRow, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)) as refused:
        to_fields(dataclasses.replace(RECEIPT, items=(line,)))
    assert error_slot(refused.value.field) == "items"


def test_a_currency_the_domain_refuses_is_a_problem_before_the_amounts() -> None:
    form = dataclasses.replace(RECEIPT, currency="XAU", amount="1e3")
    (problem,) = field_problems(form, "EUR")
    assert (problem.input_id, problem.slot) == ("currency", "currency")
    assert problem.message.startswith("currency: XAU is not money that people spend")
    assert form_currency(form, "EUR") == "EUR"
    assert form_currency(dataclasses.replace(RECEIPT, currency=" jpy "), "EUR") == "JPY"
    assert "currency" not in to_fields(dataclasses.replace(RECEIPT, currency=""))


def test_a_receipts_numbers_are_problems_at_their_inputs() -> None:
    items = (ItemRow("a", "1", ("ann",)), ItemRow("b", "1e3", ("ann",)))
    form = dataclasses.replace(RECEIPT, items=items, tax="x", tip="0")
    found = [(p.input_id, p.slot) for p in field_problems(form, "EUR")]
    assert found == [("item-amount-1", "items"), ("tax", "items")]


@pytest.mark.parametrize("field", ["items", "item 2", "tax", "tip"])
def test_receipt_errors_land_under_the_receipt(field: str) -> None:
    assert error_slot(field) == "items"
