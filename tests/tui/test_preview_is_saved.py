"""The expense form's preview is what saving records (issue 13): for random forms —
split modes, amounts, payers, who shares, in the group's currency or another, itemised
receipts with tax and tip (issue 15) — the postings the form previews (built through
the very functions the form builds its request with, under the form's key) are the
postings recorded, and an edit's live diff is what the services report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from splitledger.domain import Posting, format_amount, parse_amount
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.expense_edits import (
    edit_plan,
    from_definition,
    hidden,
)
from splitledger.tui.expense_fields import (
    MODES,
    REST,
    SEVERAL,
    FormInput,
    MemberRow,
    to_fields,
)
from splitledger.tui.expense_items import ItemRow

MEMBERS = ("ann", "bob", "cy", "dee")
CURRENCIES = ("EUR", "JPY", "KWD")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with Ledger.open(str(tmp_path_factory.mktemp("preview") / "l.db"), actor="t") as opened:
        opened.create_group("Trip", "EUR", list(MEMBERS))
        yield opened


def split_total(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """`total` cut into `parts` amounts (some may be zero)."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


@st.composite
def forms(draw: st.DrawFn, start: FormInput, currency: str) -> FormInput:
    """`start` as a user might leave it: each part kept or changed, mostly to something
    that adds up."""
    total = parse_amount(start.amount, currency) if start.amount else 1
    if not start.amount or draw(st.booleans()):
        total = draw(st.integers(1, 10**7))
    amount = format_amount(total, currency, grouping=False)
    mode = start.mode if draw(st.booleans()) else draw(st.sampled_from(MODES))
    included = [r.included for r in start.rows]
    if not any(included) or draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
        included = [r.name in chosen for r in start.rows]
    keep_values = mode == start.mode and amount == start.amount and draw(st.booleans())
    values = [r.value for r in start.rows]
    if not keep_values:
        sharing = [i for i, inc in enumerate(included) if inc]
        values = [""] * len(start.rows)
        if mode == "exact":
            for i, part in zip(sharing, split_total(draw, total, len(sharing)), strict=True):
                values[i] = format_amount(part, currency, grouping=False)
        elif mode == "percent":
            for i, part in zip(sharing, split_total(draw, 100, len(sharing)), strict=True):
                values[i] = draw(st.sampled_from([str(part), f"{part}%", f"{part}.0"]))
        elif mode == "shares":
            for i in sharing:
                values[i] = draw(st.sampled_from(["", "1", "2", "0.5", "3.50"]))
        elif mode == "adjust":
            for i in sharing:
                values[i] = draw(st.sampled_from(["", "0", "+1", "-1", "2"]))
    payer, paid = start.payer, [r.paid for r in start.rows]
    if draw(st.booleans()) or (payer == SEVERAL and amount != start.amount):
        payer = draw(st.sampled_from([*MEMBERS, SEVERAL]))
        paid = [""] * len(start.rows)
        if payer == SEVERAL:
            payers = draw(st.lists(st.integers(0, 3), min_size=2, max_size=4, unique=True))
            parts = split_total(draw, total, len(payers))
            for i, part in zip(payers, parts, strict=True):
                paid[i] = format_amount(part, currency, grouping=False)
            if draw(st.booleans()):
                paid[payers[-1]] = REST
    rows = tuple(
        MemberRow(r.name, inc, p, v)
        for r, inc, p, v in zip(start.rows, included, paid, values, strict=True)
    )
    return dataclasses.replace(
        start,
        description=draw(st.sampled_from([start.description or "Hotel", "Hotel", "Dinner "])),
        amount=amount,
        date=draw(st.sampled_from([start.date, "2026-06-02"])),
        category=draw(st.sampled_from([start.category, "", "food"])),
        payer=payer,
        mode=mode,
        rows=rows,
    )


@st.composite
def receipts(draw: st.DrawFn, start: FormInput, currency: str) -> FormInput:
    """`start` turned into (or kept as) an itemised receipt: one to four lines, each
    shared by some members, tax and tip (typed, or left empty), the amount mostly their
    sum; the rest of the form as `forms` leaves it."""
    form = draw(forms(start, currency))
    keep: bool = draw(st.booleans())
    if start.items and keep:
        items = list(start.items)
    else:
        count = draw(st.integers(1, 4))
        items = [
            ItemRow(
                draw(st.sampled_from(["Pizza", " Wine", "Ωmega", "[b]x[/]"])),
                format_amount(draw(st.integers(1, 10**5)), currency, grouping=False),
                tuple(
                    draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4, unique=True))
                ),
            )
            for _ in range(count)
        ]
        if draw(st.booleans()):  # a blank line left at the end is no line
            items.append(ItemRow("", "", MEMBERS))

    def extra(old: str) -> str:
        if old and draw(st.booleans()):
            return old
        minor = draw(st.integers(0, 10**4))
        return "" if minor == 0 and draw(st.booleans()) else format_amount(minor, currency)

    tax, tip = extra(start.tax), extra(start.tip)
    lines = sum(parse_amount(r.amount, currency) for r in items if r.amount)
    extras = sum(parse_amount(t, currency, allow_zero=True) for t in (tax, tip) if t)
    total = lines + extras + draw(st.sampled_from([0, 0, 0, 1]))  # mostly adding up
    amount = format_amount(total, currency, grouping=False)
    payer, rows = form.payer, form.rows
    if payer == SEVERAL:  # who paid what must add up to the new amount
        payer = draw(st.sampled_from(MEMBERS))
        rows = tuple(dataclasses.replace(r, paid="") for r in rows)
    return dataclasses.replace(
        form,
        mode="itemised",
        amount=amount,
        payer=payer,
        rows=rows,
        items=tuple(items),
        tax=tax,
        tip=tip,
    )


def any_form(start: FormInput, currency: str) -> st.SearchStrategy[FormInput]:
    return st.one_of(forms(start, currency), receipts(start, currency))


BLANK = FormInput(
    description="",
    amount="",
    date="2026-06-01",
    category="",
    payer="ann",
    mode="equal",
    rows=tuple(MemberRow(m, True, "", "") for m in MEMBERS),
)


def domain_postings(tx: TxView) -> Counter[Posting]:
    return Counter(Posting(p.member, p.currency, p.minor) for p in tx.postings)


QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@QUICK
@given(data=st.data())
def test_a_new_expense_records_what_its_form_previews(ledger: Ledger, data: st.DataObject) -> None:
    form = data.draw(forms(BLANK, "EUR"))
    group = ledger.group("Trip")
    key = f"tui:{uuid.uuid4()}"  # the form's key, fixed when it opens
    try:
        fields = to_fields(form)
        preview = ledger.preview_expense(group, **fields, key=key)
    except InvalidInput:
        return  # the form refuses to save it
    recorded = ledger.record_expense(group="Trip", **fields, key=key)
    assert domain_postings(recorded) == Counter(preview.postings)


@QUICK
@given(data=st.data(), currency=st.sampled_from(CURRENCIES))
def test_a_new_receipt_records_what_its_form_previews(
    ledger: Ledger, data: st.DataObject, currency: str
) -> None:
    form = dataclasses.replace(data.draw(receipts(BLANK, currency)), currency=currency)
    group = ledger.group("Trip")
    key = f"tui:{uuid.uuid4()}"
    try:
        fields = to_fields(form)
        preview = ledger.preview_expense(group, **fields, key=key)
    except InvalidInput:
        event("receipt refused")
        return  # the form refuses to save it
    event("receipt recorded")
    recorded = ledger.record_expense(group="Trip", **fields, key=key)
    assert domain_postings(recorded) == Counter(preview.postings)
    receipt = ledger.expense_definition(recorded.id).receipt
    assert receipt is not None
    assert len(receipt.items) == len([r for r in form.items if not r.blank])


@QUICK
@given(original=st.data(), currency=st.sampled_from(CURRENCIES), data=st.data())
def test_an_edit_records_what_its_form_previews_and_says_what_changed(
    ledger: Ledger, original: st.DataObject, currency: str, data: st.DataObject
) -> None:
    first = original.draw(any_form(BLANK, currency))
    try:
        fields: ExpenseFields = {**to_fields(first), "currency": currency}
        tx = ledger.record_expense("Trip", key=f"k:{uuid.uuid4()}", **fields)
    except InvalidInput:
        return
    old = ledger.expense_definition(tx.id)
    start = from_definition(old, MEMBERS)
    form = data.draw(any_form(start, currency))
    group = ledger.group("Trip")
    key = f"tui:{uuid.uuid4()}"
    current = [Posting(p.member, p.currency, p.minor) for p in tx.postings]
    try:
        plan = edit_plan(old, start, form)
        preview = ledger.preview_expense(group, **plan.preview, key=key)
    except InvalidInput:
        event(f"edit {old.split} → {form.mode} refused")
        return  # the form refuses to save it
    event(f"edit {old.split} → {form.mode}" + (" unchanged" if plan.unchanged else ""))
    outcome = ledger.edit_expense(tx.id, **plan.changed, key=key)
    if plan.unchanged:
        assert outcome.tx is None
        return
    assert outcome.tx is not None
    assert domain_postings(outcome.tx) == Counter(plan.postings(preview.postings, current))
    assert outcome.changes == plan.diff(preview.postings, current, MEMBERS)


def test_an_untouched_form_is_no_change(ledger: Ledger) -> None:
    tx = ledger.record_expense(
        group="Trip",
        description="Ramen",
        amount="1500",
        currency="JPY",
        paid_by=(("ann", "1000"), ("bob", None)),
        split="shares",
        participants=(("cy", "2"), ("ann", None)),
        date=dt.date(2026, 6, 1),
    )
    old = ledger.expense_definition(tx.id)
    start = from_definition(old, MEMBERS)
    plan = edit_plan(old, start, start)
    assert plan.changed == {}
    assert plan.unchanged
    assert ledger.edit_expense(tx.id, key="untouched").tx is None


@QUICK
@given(data=st.data(), currency=st.sampled_from(CURRENCIES))
def test_a_receipt_opened_and_saved_untouched_is_no_change(
    ledger: Ledger, data: st.DataObject, currency: str
) -> None:
    """Issue 15: an itemised bill opens as its lines, tax and tip; left alone, the form
    changes nothing, hides nothing and previews the bill's very postings."""
    form = dataclasses.replace(data.draw(receipts(BLANK, currency)), currency=currency)
    try:
        tx = ledger.record_expense("Trip", key=f"k:{uuid.uuid4()}", **to_fields(form))
    except InvalidInput:
        return
    old = ledger.expense_definition(tx.id)
    start = from_definition(old, MEMBERS)
    assert start.mode == "itemised"
    typed = to_fields(form)["items"]
    assert [(parse_amount(r.amount, currency), r.members) for r in start.items] == [
        (parse_amount(a, currency), tuple(ms)) for _, a, ms in typed
    ]
    assert hidden(old, start) == []
    plan = edit_plan(old, start, start)
    assert plan.changed == {}
    assert plan.unchanged
    preview = ledger.preview_expense(ledger.group("Trip"), **plan.preview, key=f"k:{uuid.uuid4()}")
    current = [Posting(p.member, p.currency, p.minor) for p in tx.postings]
    assert Counter(plan.postings(preview.postings, current)) == Counter(current)
