"""Rows as a version before the input policy could have stored them: written straight
into the database, since the services now refuse such text."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, CursorResult, insert, select, update

from splitledger.services.ledger import Ledger
from splitledger.store.schema import (
    AuditRow,
    BalanceRow,
    GroupRow,
    MemberRow,
    PostingRow,
    TransactionRow,
)

#: Text that acts on a terminal or hides what it says: ESC sequences (colour, clear
#: screen, a window title), C1's CSI, a bell, a right-to-left override, a zero-width
#: space, a line break and a carriage return.
HOSTILE = "Din\x1b[31mner\x1b[2J\x1b]0;pwned\x07 \x9b1m\u202egnp.exe\u202c \u200bx\ny\rz\x7f"


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _member(conn: Connection, group_id: int, name: str, now: dt.datetime) -> int:
    found = conn.scalar(
        select(MemberRow.id).where(MemberRow.group_id == group_id, MemberRow.name == name)
    )
    if found is not None:
        return found
    return _new_id(
        conn.execute(
            insert(MemberRow).values(group_id=group_id, name=name, created_at=now, kind="member")
        )
    )


def plant(
    url: str,
    *,
    group: str = "Trip",
    currency: str = "EUR",
    payer: str = "ann",
    other: str = "bob",
    description: str = HOSTILE,
    category: str = HOSTILE,
    actor: str = HOSTILE,
    date: dt.date = dt.date(2026, 3, 1),
    minor: int = 1000,
) -> int:
    """An expense in `group` (created if missing, with `payer` and `other`): `payer` paid
    `minor` for both, half each; with its postings, balances and an audit row. Returns
    its id."""
    now = dt.datetime.now(dt.UTC)
    with Ledger.open(url) as ledger, ledger.engine.begin() as conn:
        head = conn.execute(
            select(GroupRow.id, GroupRow.head_seq).where(GroupRow.name == group)
        ).first()
        if head is None:
            made = conn.execute(
                insert(GroupRow).values(
                    name=group, currency=currency, created_at=now, head_seq=0, head_hash="0" * 64
                )
            )
            group_id, seq = _new_id(made), 0
        else:
            group_id, seq = head
        payer_id = _member(conn, group_id, payer, now)
        other_id = _member(conn, group_id, other, now)
        tx_id = _new_id(
            conn.execute(
                insert(TransactionRow).values(
                    group_id=group_id,
                    seq=seq + 1,
                    kind="expense",
                    date=date,
                    description=description,
                    category=category,
                    idempotency_key=f"legacy:{group_id}:{seq + 1}",
                    created_at=now,
                    actor=actor,
                    prev_hash="0" * 64,
                    hash="0" * 64,
                )
            )
        )
        half = minor // 2
        postings = [(payer_id, minor), (payer_id, -half), (other_id, half - minor)]
        for member_id, amount in postings:
            conn.execute(
                insert(PostingRow).values(
                    transaction_id=tx_id, member_id=member_id, currency=currency, amount=amount
                )
            )
        for member_id, amount in ((payer_id, minor - half), (other_id, half - minor)):
            changed = conn.execute(
                update(BalanceRow)
                .where(BalanceRow.member_id == member_id, BalanceRow.currency == currency)
                .values(amount=BalanceRow.amount + amount)
            )
            if changed.rowcount == 0:
                conn.execute(
                    insert(BalanceRow).values(
                        member_id=member_id, currency=currency, group_id=group_id, amount=amount
                    )
                )
        conn.execute(update(GroupRow).where(GroupRow.id == group_id).values(head_seq=seq + 1))
        conn.execute(
            insert(AuditRow).values(
                at=now,
                actor=actor,
                action="tx.expense",
                group_id=group_id,
                entity_id=tx_id,
                payload=json.dumps({"description": description}, ensure_ascii=False),
            )
        )
    return tx_id
