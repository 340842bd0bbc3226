"""Random ledgers on random dates for the properties of balances as of a date and of
spending reports (issue 16), and the oracle they are judged by: the postings themselves,
as `history` returns them, summed here in Python (never the maintained daily totals).

A ledger is a list of steps: expenses (any payer, any consumers, EUR or USD, a category
or none), payments, reversals of anything recorded (on any date: one dated before what
it reverses is refused, and skipped), edits of a bill's current version (amount, date,
category), and conversions of the USD balances into EUR. Dates fall in a window of ~3
months around 2026-02; an edit's reversal is dated on the version it replaces, as the
services date it."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from splitledger import domain
from splitledger.services import views
from splitledger.services.errors import ServiceError
from splitledger.services.ledger import Ledger

MEMBERS = ("ann", "bob", "cy")
START = dt.date(2026, 1, 1)
CATEGORIES = ("", "Food", "Rent")
_names = itertools.count()

Step = tuple[Any, ...]


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


days = st.integers(0, 90)
#: Dates asked about: before the first bill, inside, and after the last (the future).
asked_days = st.integers(-5, 120).map(day)

expense = st.tuples(
    st.just("expense"),
    st.sampled_from(MEMBERS),
    st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3, unique=True),
    st.integers(1, 100_000),
    days,
    st.sampled_from(CATEGORIES),
    st.sampled_from(["EUR", "EUR", "USD"]),
)
payment = st.tuples(
    st.just("payment"),
    st.permutations(MEMBERS).map(lambda p: p[:2]),
    st.integers(1, 50_000),
    days,
    st.sampled_from(["EUR", "USD"]),
)
reverse = st.tuples(st.just("reverse"), st.integers(0, 50), days)
edit = st.tuples(
    st.just("edit"),
    st.integers(0, 50),
    st.one_of(st.none(), st.integers(1, 100_000)),
    st.one_of(st.none(), days),
    st.one_of(st.none(), st.sampled_from(CATEGORIES)),
)
convert = st.tuples(st.just("convert"), days)
steps = st.lists(
    st.one_of(expense, expense, payment, reverse, edit, convert), min_size=1, max_size=12
)


@dataclass
class Built:
    """A group made from steps, and its whole history (the oracle's input)."""

    group: str
    txs: list[views.TxView] = field(default_factory=list)

    @property
    def by_id(self) -> dict[int, views.TxView]:
        return {tx.id: tx for tx in self.txs}


def build(ledger: Ledger, plan: list[Step]) -> Built:
    """A new group with `plan` recorded (steps the services refuse are skipped: a
    reversal of a reversal, a conversion with nothing to convert), and its history."""
    group = f"G{next(_names)}"
    ledger.create_group(group, "EUR", list(MEMBERS))
    ledger.add_rate(group, "USD", "EUR", "0.9137", date=dt.date(2025, 12, 1))
    recorded: list[int] = []  # ids that may be reversed
    current: list[int] = []  # bills' current versions (may be edited)
    for step in plan:
        with contextlib.suppress(ServiceError):
            _apply(ledger, group, step, recorded, current)
    txs = ledger.history(group, limit=10_000)
    return Built(group, list(txs))


def record(ledger: Ledger, group: str, step: Step) -> views.TxView:
    """Record an `expense` or a `payment` step."""
    if step[0] == "expense":
        _, payer, who, minor, offset, category, currency = step
        return ledger.record_expense(
            group,
            description="Bill",
            amount=domain.format_amount(minor, currency, grouping=False),
            currency=currency,
            paid_by=[(payer, None)],
            split="equal",
            participants=[(m, None) for m in who],
            date=day(offset),
            category=category,
        )
    _, (payer, payee), minor, offset, currency = step
    return ledger.record_payment(
        group,
        payer=payer,
        payee=payee,
        amount=domain.format_amount(minor, currency, grouping=False),
        currency=currency,
        date=day(offset),
    )


def _apply(ledger: Ledger, group: str, step: Step, recorded: list[int], current: list[int]) -> None:
    kind = step[0]
    if kind in ("expense", "payment"):
        tx = record(ledger, group, step)
        recorded.append(tx.id)
        if kind == "expense":
            current.append(tx.id)
    elif kind == "reverse":
        _, pick, offset = step
        if recorded:
            target = recorded.pop(pick % len(recorded))
            if target in current:
                current.remove(target)
            ledger.reverse(target, date=day(offset))
    elif kind == "edit":
        _, pick, minor, offset, category = step
        if current:
            target = current[pick % len(current)]
            currency = ledger.transaction(target).tx.postings[0].currency
            done = ledger.edit_expense(
                target,
                amount=None
                if minor is None
                else domain.format_amount(minor, currency, grouping=False),
                date=None if offset is None else day(offset),
                category=category,
            )
            if done.tx is not None:
                current.remove(target)
                recorded.remove(target)
                current.append(done.tx.id)
                recorded.append(done.tx.id)
    else:
        _, offset = step
        recorded.extend(tx.id for tx in ledger.convert(group, to="EUR", date=day(offset)))


# -- the oracle: sums over the postings -------------------------------------------


Sums = dict[tuple[str, str], int]


def _add(sums: Sums, tx: views.TxView, sign: int = 1) -> None:
    for p in tx.postings:
        sums[p.member, p.currency] = sums.get((p.member, p.currency), 0) + sign * p.minor


def nonzero(sums: Sums) -> Sums:
    return {k: v for k, v in sums.items() if v}


def balances_through(built: Built, last: dt.date | None) -> Sums:
    """Every posting dated on or before `last` (every posting if None)."""
    sums: Sums = {}
    for tx in built.txs:
        if last is None or tx.date <= last:
            _add(sums, tx)
    return nonzero(sums)


def balances_before(built: Built, first: dt.date | None) -> Sums:
    if first is None:
        return {}
    return balances_through(built, first - dt.timedelta(days=1))


def inside(date: dt.date, first: dt.date | None, last: dt.date | None) -> bool:
    return (first is None or date >= first) and (last is None or date <= last)


def live_bills(built: Built) -> list[views.TxView]:
    """Expenses never reversed: the bills' current versions."""
    return [tx for tx in built.txs if tx.kind == "expense" and tx.reversed_by is None]


def spending(
    built: Built,
    by: tuple[str, ...],
    first: dt.date | None,
    last: dt.date | None,
    currency: str | None,
) -> dict[tuple[tuple[str, ...], str], dict[str, tuple[int, int]]]:
    """(bucket key, currency) -> member -> (paid, consumed) of the live bills of the
    period: positive postings paid, negative ones consumed."""
    cells: dict[tuple[tuple[str, ...], str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for tx in live_bills(built):
        if not inside(tx.date, first, last):
            continue
        for p in tx.postings:
            if currency is not None and p.currency != currency:
                continue
            values = {"category": tx.category, "month": tx.date.strftime("%Y-%m")}
            key = tuple(p.member if n == "member" else values[n] for n in by)
            cell = cells[key, p.currency][p.member]
            if p.minor > 0:
                cell[0] += p.minor
            else:
                cell[1] -= p.minor
    return {
        k: {m: (c[0], c[1]) for m, c in members.items() if c[0] or c[1]}
        for k, members in cells.items()
        if any(c[0] or c[1] for c in members.values())
    }


def transfers(built: Built, first: dt.date | None, last: dt.date | None) -> Sums:
    """Postings of payments and conversions dated in the period, and of the reversals
    of those (everything but bills and the reversals of bills)."""
    by_id = built.by_id
    sums: Sums = {}
    for tx in built.txs:
        if not inside(tx.date, first, last):
            continue
        target = by_id[tx.reverses_id] if tx.reverses_id is not None else tx
        if target.kind != "expense":
            _add(sums, tx)
    return nonzero(sums)


def reversals_apart(built: Built, first: dt.date | None, last: dt.date | None) -> Sums:
    """Reversals of bills dated inside the period while their bill is outside (as they
    are), or outside while it is inside (negated)."""
    by_id = built.by_id
    sums: Sums = {}
    for tx in built.txs:
        if tx.reverses_id is None or by_id[tx.reverses_id].kind != "expense":
            continue
        mine, theirs = inside(tx.date, first, last), inside(by_id[tx.reverses_id].date, first, last)
        if mine != theirs:
            _add(sums, tx, 1 if mine else -1)
    return nonzero(sums)
