"""A group written in Splitwise's CSV layout (`export --format splitwise`), which the
Splitwise reader (`import --format splitwise`) reads back to the same balances.

The layout is the English export's: `Date,Description,Category,Cost,Currency`, one
column per member (the group's members, then anyone else the history names, such as a
removed member), a blank line, one line per transaction and currency whose member cells
are the net effect on each member, a blank line and a `Total balance` line per
currency. Cost is what the members paid (the positive side of the postings); payments
carry the category `Payment`. Notes, actors and links between transactions have no
column (the JSON dump keeps them); conversions between currencies have no place in the
layout at all and are refused (`ExportError`), since Splitwise has no exchange account.

Cells are written as every CSV of ours is (`csv_safe`): text that a spreadsheet would
run as a formula gets a leading `'`, member names included, so a member named `=x`
comes back as `'=x`. Rows are spooled aside while the member columns are gathered, so
the export is written in one pass over the history in bounded memory.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from typing import TextIO

from splitledger.domain.fx import is_exchange_account
from splitledger.domain.money import to_decimal
from splitledger.domain.transactions import TxKind
from splitledger.interop.csv_safe import Cell, render
from splitledger.interop.errors import ExportError
from splitledger.interop.records import GroupRecord, TxRecord

HEADER = ("Date", "Description", "Category", "Cost", "Currency")
PAYMENT = "Payment"
TOTAL = "Total balance"
SPOOL_BYTES = 4 * 1024 * 1024


def _rows(tx: TxRecord) -> list[tuple[str, int, dict[str, int]]]:
    """(currency, cost, nets) of each currency `tx` moves."""
    cost: dict[str, int] = defaultdict(int)
    nets: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # A conversion (or its reversal) moves two currencies; one that converted everyone's
    # balance whole posts no exchange account, and would come back as two bills.
    moves_two = len({p.currency for p in tx.postings}) > 1
    for p in tx.postings:
        if moves_two or tx.kind == TxKind.CONVERSION.value or is_exchange_account(p.account):
            raise ExportError(
                f"transaction #{tx.id} ({tx.date}) converts between currencies: a Splitwise "
                "CSV has no place for conversions (export --format json keeps them)"
            )
        nets[p.currency][p.account] += p.minor
        if p.minor > 0:
            cost[p.currency] += p.minor
    return [(c, cost[c], dict(nets[c])) for c in sorted(nets)]


def write_splitwise(out: TextIO, group: GroupRecord, txs: Iterable[TxRecord]) -> int:
    """Write `group`'s history (`txs`, oldest first) to `out`; returns the data rows."""
    columns: dict[str, int] = {m: i for i, m in enumerate(group.members)}
    totals: dict[str, dict[str, int]] = {}
    last = None
    count = 0
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        for tx in txs:
            category = PAYMENT if tx.kind == TxKind.PAYMENT.value else tx.category
            for currency, cost, nets in _rows(tx):
                for member, minor in nets.items():
                    columns.setdefault(member, len(columns))
                    held = totals.setdefault(currency, defaultdict(int))
                    held[member] += minor
                row = [tx.date.isoformat(), tx.description, category, cost, currency, nets]
                spool.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
            last = tx.date if last is None else max(last, tx.date)
        spool.seek(0)
        members = list(columns)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([render(h) for h in (*HEADER, *members)])
        out.write("\r\n")
        for line in spool:
            date, description, category, cost, currency, nets = json.loads(line)
            cells: list[Cell] = [
                date,
                description,
                category,
                to_decimal(cost, currency),
                currency,
                *(to_decimal(nets.get(m, 0), currency) for m in members),
            ]
            writer.writerow([render(c) for c in cells])
    if totals and last is not None:
        out.write("\r\n")
        for currency in sorted(totals):
            held = totals[currency]
            cells = [
                last.isoformat(),
                TOTAL,
                " ",
                " ",
                currency,
                *(to_decimal(held.get(m, 0), currency) for m in members),
            ]
            writer.writerow([render(c) for c in cells])
    return count
