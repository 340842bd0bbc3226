"""The CSV layouts of balances, settle-up plans and history (one row per posting, so
that a spreadsheet can pivot it any way and nothing of the ledger is lost)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from splitledger.domain.money import to_decimal
from splitledger.interop.csv_safe import Cell, write_csv

if TYPE_CHECKING:
    from splitledger.domain.settle import Transfer
    from splitledger.interop.records import TxRecord

BALANCES_HEADER = ("member", "currency", "amount")
SETTLE_HEADER = ("from", "to", "amount", "currency")
#: `note` last, so that the columns before it stay where they were before notes existed.
HISTORY_HEADER = (
    "id", "date", "kind", "description", "category", "member", "currency", "amount", "note",
)  # fmt: skip


def write_balances(out: TextIO, balances: Iterable[tuple[str, str, int]]) -> int:
    """`balances` as (member, currency, minor)."""
    rows = ((m, c, to_decimal(minor, c)) for m, c, minor in balances)
    return write_csv(out, BALANCES_HEADER, rows)


def write_settle(out: TextIO, transfers: Iterable[Transfer]) -> int:
    rows = ((t.payer, t.payee, to_decimal(t.minor, t.currency), t.currency) for t in transfers)
    return write_csv(out, SETTLE_HEADER, rows)


def _history_rows(txs: Iterable[TxRecord]) -> Iterator[list[Cell]]:
    for tx in txs:
        for p in tx.postings:
            yield [
                tx.id,
                tx.date.isoformat(),
                tx.kind,
                tx.description,
                tx.category,
                p.account,
                p.currency,
                to_decimal(p.minor, p.currency),
                tx.note,
            ]


def write_history(out: TextIO, txs: Iterable[TxRecord]) -> int:
    return write_csv(out, HISTORY_HEADER, _history_rows(txs))
