"""Pure functions over expense definitions (ADR 0011): read one off postings, apply an
edit's fields to one, compare two, and say what changed as plain text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from splitledger import domain
from splitledger.services import inputs, views
from splitledger.services.entries import Bill
from splitledger.services.errors import Conflict, InvalidInput
from splitledger.services.inputs import SPLIT_MODES, SplitMode
from splitledger.store.records import TxRecord


def split_mode(text: str) -> SplitMode:
    if text not in SPLIT_MODES:
        raise Conflict(f"an expense definition names an unknown split mode {text!r}")
    return text


def derived(
    row: TxRecord, group: str, postings: Sequence[domain.Posting]
) -> views.ExpenseDefinition:
    """Exact shares read off an expense's postings: who is owed (> 0) paid, who owes
    (< 0) shares. Rebuilding it gives the same postings."""
    currencies = {p.currency for p in postings}
    if len(currencies) != 1:
        raise Conflict(f"expense #{row.id} is not in one currency; it cannot open as a bill")
    (currency,) = currencies
    paid: dict[str, int] = {}
    owed: dict[str, int] = {}
    for p in postings:
        side = paid if p.minor > 0 else owed
        side[p.account] = side.get(p.account, 0) + abs(p.minor)

    def text(minor: int) -> str:
        return domain.format_amount(minor, currency, grouping=False)

    payers: tuple[tuple[str, str | None], ...] = tuple((n, text(v)) for n, v in paid.items())
    if len(paid) == 1:
        payers = ((next(iter(paid)), None),)  # a lone payer pays it all
    return views.ExpenseDefinition(
        tx_id=row.id,
        group=group,
        description=row.description,
        amount=text(sum(paid.values())),
        currency=currency,
        paid_by=payers,
        split="exact",
        participants=tuple((n, text(v)) for n, v in owed.items()),
        date=row.date,
        category=row.category,
        derived=True,
        note=row.note,
    )


def merged(old: views.ExpenseDefinition, req: inputs.EditExpense) -> inputs.RecordExpense:
    """`old` with the fields `req` gives. Kept text is not checked again (it is what the
    ledger holds). A new split mode keeps the participants, and their values only while
    the mode stays."""
    split = req.split or old.split
    if split != "itemised" and (req.items is not None or req.tax or req.tip):
        raise InvalidInput(
            "items, tax and tip are for an itemised split (split itemised)", field="split"
        )
    participants = req.participants
    receipt = old.receipt if split == "itemised" else None
    if split == "itemised":
        participants = ()  # an itemised bill's members are its lines'
    elif participants is None:
        keep = split == old.split
        participants = tuple((n, v if keep else None) for n, v in old.participants)
    items = req.items if req.items is not None else (receipt.items if receipt else ())
    extra = split == "itemised"
    return inputs.RecordExpense.model_construct(
        group=old.group,
        description=old.description if req.description is None else req.description,
        amount=req.amount or old.amount,
        currency=req.currency or old.currency,
        paid_by=old.paid_by if req.paid_by is None else req.paid_by,
        split=split,
        participants=participants,
        date=req.date or old.date,
        category=old.category if req.category is None else req.category,
        key=req.key,
        items=items,
        tax=req.tax or (receipt.tax if receipt else None) if extra else None,
        tip=req.tip or (receipt.tip if receipt else None) if extra else None,
        note=old.note if req.note is None else req.note,
    )


def built(tx_id: int, group: str, tx: domain.Transaction, bill: Bill) -> views.ExpenseDefinition:
    """The definition of the expense `tx` built with `bill`."""
    return views.ExpenseDefinition(
        tx_id=tx_id,
        group=group,
        description=tx.description,
        amount=bill.amount,
        currency=bill.currency,
        paid_by=bill.paid_by,
        split=bill.split,
        participants=bill.participants,
        date=tx.date,
        category=tx.category,
        receipt=bill.receipt,
        note=tx.note,
    )


def kept(
    old: views.ExpenseDefinition, new: views.ExpenseDefinition, req: inputs.EditExpense
) -> views.ExpenseDefinition:
    """`new` with the text fields `req` leaves alone as `old` has them: text an older
    version stored (a line break, say) is recorded normalised, which is no change of
    the user's."""
    return replace(
        new,
        description=old.description if req.description is None else new.description,
        category=old.category if req.category is None else new.category,
        note=old.note if req.note is None else new.note,
    )


def same(a: views.ExpenseDefinition, b: views.ExpenseDefinition) -> bool:
    """The same bill: every field equal, payers and participants in any order."""

    def key(d: views.ExpenseDefinition) -> tuple[object, ...]:
        return (d.description, d.amount, d.currency, dict(d.paid_by), d.split,
                dict(d.participants), d.date, d.category, d.receipt, d.note)  # fmt: skip

    return key(a) == key(b)


def same_money(a: views.ExpenseDefinition, b: views.ExpenseDefinition) -> bool:
    """The same amount, currency, payers and split: only text or the date differ."""

    def key(d: views.ExpenseDefinition) -> tuple[object, ...]:
        return (d.amount, d.currency, dict(d.paid_by), d.split, dict(d.participants), d.receipt)

    return key(a) == key(b)


def diff(
    old: views.ExpenseDefinition,
    new: views.ExpenseDefinition,
    old_postings: Sequence[domain.Posting],
    new_postings: Sequence[domain.Posting],
    members: Sequence[str] = (),
) -> tuple[views.FieldChange, ...]:
    """What changed from `old` to `new`, field by field, as plain text. Members are
    listed in the order of `members` (the group's, as it lists them), so that an order
    alone is no change. "shares" is what each participant's share came to; "for" the
    values they were given, left out where "shares" already says it (exact amounts,
    equal splits)."""
    names = (*new.paid_by, *new.participants, *old.paid_by, *old.participants)
    order = list(dict.fromkeys([*members, *(n for n, _ in names)]))
    shares = (_shares(old, old_postings, order), _shares(new, new_postings, order))
    values = (_values(old, order), _values(new, order))
    said = values == shares or old.split == new.split == "equal"
    pairs = [
        ("description", old.description, new.description),
        ("amount", f"{old.amount} {old.currency}", f"{new.amount} {new.currency}"),
        ("paid by", _payers(old, order), _payers(new, order)),
        ("split", old.split, new.split),
        ("items", _receipt(old), _receipt(new)),
        ("for", *(("", "") if said else values)),
        ("shares", *shares),
        ("date", old.date.isoformat(), new.date.isoformat()),
        ("category", old.category, new.category),
        ("note", old.note, new.note),
    ]
    return tuple(views.FieldChange(f, a, b) for f, a, b in pairs if a != b)


def _receipt(d: views.ExpenseDefinition) -> str:
    """An itemised bill's lines: `Pizza 20.00 (ann, bob); Wine 9.00 (bob); tax 2.00`
    (empty for the other modes)."""
    if d.receipt is None:
        return ""
    lines = [f"{text} {amount} ({', '.join(ms)})" for text, amount, ms in d.receipt.items]
    lines += [f"{what} {value}" for what, value in (("tax", d.receipt.tax), ("tip", d.receipt.tip))
              if value.strip("0.,")]  # fmt: skip
    return "; ".join(lines)


def _ordered(
    pairs: Iterable[tuple[str, str | None]], order: list[str]
) -> list[tuple[str, str | None]]:
    return sorted(pairs, key=lambda p: order.index(p[0]))


def _payers(d: views.ExpenseDefinition, order: list[str]) -> str:
    """`ann`, or `ann 10.00, bob pays the rest`."""
    if len(d.paid_by) == 1:
        return d.paid_by[0][0]
    return ", ".join(
        f"{n} pays the rest" if v is None else f"{n} {v}" for n, v in _ordered(d.paid_by, order)
    )


def _values(d: views.ExpenseDefinition, order: list[str]) -> str:
    """Who shares, with their values: `ann, bob` (equal), `ann 40%, bob 60%`, `ann 2,
    bob 1` (weights), `ann +4.00, bob 0.00` (adjustments), `ann 10.00` (exact)."""

    def value(v: str | None) -> str:
        if v is None:
            return ""
        if d.split == "percent":
            return f" {v}%"
        if d.split == "adjust" and not v.startswith("-") and v.strip("0.,"):
            return f" +{v}"
        return f" {v}"

    return ", ".join(f"{n}{value(v)}" for n, v in _ordered(d.participants, order))


def _shares(
    d: views.ExpenseDefinition, postings: Sequence[domain.Posting], order: list[str]
) -> str:
    """What each participant's share came to: `ann 40.00, bob 40.00`."""
    owed: dict[str, int] = {}
    for p in postings:
        if p.minor < 0:
            owed[p.account] = owed.get(p.account, 0) - p.minor
    names = [n for n, _ in _ordered(d.participants, order)]
    names += [n for n in owed if n not in names]
    return ", ".join(
        f"{n} {domain.format_amount(owed.get(n, 0), d.currency, grouping=False)}" for n in names
    )
