"""Spliit's two exports, CSV and JSON, read into the same balanced transactions.

`--format spliit` reads either: a file whose first character (after a byte-order mark
and blanks) is `{` is the JSON export (`spliit_json`), anything else the CSV export
(`spliit_csv`). Both readers turn each Spliit expense into an `Expense` (who paid, each
participant's share in minor units, adding up to the amount), and `transaction` turns
that into postings the same way for both: the payer +amount, each participant -share
(a payer who also shares the cost has both, as our own expenses do). So the CSV and the
JSON of one group give the same transactions, with the same keys: importing one after
the other records nothing new (but for expenses with notes, which only the JSON
carries: the ledger then refuses them as changed, and writes nothing).

Spliit counts a reimbursement like any expense (the payer +amount, the one paid back
-amount): one between two people becomes a payment; one shared by several stays an
expense. Neither export carries balances, so the totals to reconcile with are summed
from the expenses' own amounts and shares (`totals_from="rows"`), apart from the
postings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from splitledger.domain import DomainError, Posting, Transaction, TxKind, format_amount
from splitledger.interop.cells import quote, refused
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions, Totals

KEY_PREFIX = "spliit:"
NO_DESCRIPTION = "(no description)"
#: Longest text of a cell, in characters (the ledger's own limits).
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
MAX_NOTE = 2000
MAX_ROWS = 1_000_000
#: Spliit's own bound on an amount (10,000,000.00), with room for larger currencies.
MAX_FILE_TOTAL = 10**18
#: Spliit prefixes text cells that start like a formula with a quote (since 2026).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RECURRENCES = frozenset({"NONE", "DAILY", "WEEKLY", "MONTHLY"})


def unquote_formula(text: str) -> str:
    """A cell as Spliit had it before its export quoted a formula-like start (`'=x`)."""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS and text[1:2]:
        return text[1:]
    return text


@dataclass(frozen=True, slots=True)
class Expense:
    """One Spliit expense as both exports describe it. `shares` holds the participants'
    non-zero shares in minor units; they add up to `amount`."""

    date: dt.date
    title: str
    category: str
    amount: int
    currency: str
    payer: str
    shares: tuple[tuple[str, int], ...]
    reimbursement: bool
    #: "Spliit: 1000.00 EUR at 97.2641" when the expense was converted, else ""
    original: str = ""
    notes: str = ""


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def key(expense: Expense, seen: Counter[bytes]) -> str:
    """The expense's key: a digest of what both exports say of it (not the notes, which
    only the JSON has) and how many identical expenses came before it."""
    content = [
        expense.date.isoformat(),
        expense.title,
        expense.category,
        expense.amount,
        expense.currency,
        expense.payer,
        sorted(expense.shares),
        expense.reimbursement,
    ]
    digest = hashlib.sha256(_COMPACT.encode(content).encode("utf-8")).digest()
    occurrence = seen[digest]
    seen[digest] += 1
    return KEY_PREFIX + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


def transaction(expense: Expense, tx_key: str, *, row: int, column: str) -> Transaction | None:
    """The expense's postings, or None when it changes no balance (a payer who is the
    only participant). A reimbursement between two people is a payment."""
    effect: dict[str, int] = {expense.payer: expense.amount}
    for name, share in expense.shares:
        effect[name] = effect.get(name, 0) - share
    if not any(effect.values()):
        return None
    shares = sorted(expense.shares)
    is_payment = (
        expense.reimbursement
        and len(shares) == 1
        and shares[0][0] != expense.payer
        and shares[0][1] == expense.amount
    )
    postings = [Posting(expense.payer, expense.currency, expense.amount)]
    postings += [Posting(n, expense.currency, -s) for n, s in shares]
    note = " ".join(part for part in (expense.notes, expense.original) if part)
    try:
        return Transaction(
            kind=TxKind.PAYMENT if is_payment else TxKind.EXPENSE,
            postings=tuple(postings),
            date=expense.date,
            description=expense.title or NO_DESCRIPTION,
            idempotency_key=tx_key,
            category="payment" if is_payment else expense.category,
            note=note,
        )
    except DomainError as exc:
        raise refused(exc, row, column) from None


def add_totals(totals: Totals, expense: Expense) -> None:
    """What Spliit's balances page adds up for the expense: the payer paid the amount,
    each participant owes their share (summed apart from the postings)."""
    cur = expense.currency
    totals[expense.payer, cur] = totals.get((expense.payer, cur), 0) + expense.amount
    for name, share in expense.shares:
        totals[name, cur] = totals.get((name, cur), 0) - share


def original_note(minor: int, currency: str, rate: str, *, row: int, column: str) -> str:
    """`Spliit: 1000.00 EUR at 97.2641`: the same text from either export."""
    text = f"Spliit: {format_amount(minor, currency, grouping=False)} {currency}"
    if not rate.strip():
        return text
    try:
        value = Decimal(rate.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or len(rate.strip()) > 40:
        raise FormatError(f"{quote(rate)} is not a positive rate", row=row, column=column)
    return f"{text} at {value:f}"


def detect(head: str) -> bool:
    """Spliit's CSV header, or a JSON object with its group's fields."""
    from splitledger.interop import spliit_csv, spliit_json

    return spliit_json.detect(head) or spliit_csv.detect(head)


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Either export, told apart by its first character."""
    from splitledger.interop import spliit_csv, spliit_json

    start = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"{"):
        return spliit_json.read(data, options)
    if start.startswith(b"["):
        raise FormatError(
            "a JSON list is not a Spliit export (Spliit's JSON is one object with the "
            "group's participants and expenses); is it IHateMoney's? try --format ihatemoney"
        )
    return spliit_csv.read(data, options)
