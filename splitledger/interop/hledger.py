"""An hledger journal of a group: one journal transaction per ledger transaction, each
posting to `members:<name>`, so `hledger -f FILE bal` shows the same member balances as
`splitledger balances` (> 0: the group owes the member). A transaction's note is a
comment line under it (`; note: …`). Text stored before the input policy is written
through `domain.visible`: a journal never carries raw control characters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from splitledger.domain import format_amount, visible
from splitledger.interop.accounts import AccountMap, hledger_component
from splitledger.interop.records import GroupRecord, TxRecord

ROOT = "members:"
EXCHANGE = "equity:conversion:"  # hledger's own name for the other side of conversions


def _tag(value: str) -> str:
    """A tag value: one line, and no comma (commas end hledger tag values)."""
    return " ".join(visible(value).replace(",", " ").split())


def _description(text: str) -> str:
    """One line; a `;` would start a comment, so it becomes a comma."""
    return " ".join(visible(text).replace(";", ",").split())


def write_journal(out: TextIO, group: GroupRecord, txs: Iterable[TxRecord]) -> int:
    """Write the journal; returns the number of transactions."""
    accounts = AccountMap(ROOT, hledger_component, group.members, exchange_prefix=EXCHANGE)
    out.write(
        f"; splitledger export of group {_description(group.name)} ({group.currency}).\n"
        "; A balance > 0 means the group owes that member; < 0 that the member owes.\n"
        "decimal-mark .\n\n"
    )
    for member, account in accounts.items():
        out.write(f"account {account}  ; member:{_tag(member)}\n")
    for rate in group.rates:
        value = format(rate.rate.normalize(), "f")
        out.write(f"P {rate.date.isoformat()} {rate.base} {value} {rate.quote}\n")
    count = 0
    for tx in txs:
        tags = [f"kind:{tx.kind}", f"key:{_tag(tx.key)}"]
        if tx.category:
            tags.append(f"category:{_tag(tx.category)}")
        if tx.reverses:
            tags.append(f"reverses:{_tag(tx.reverses)}")
        if tx.replaces:
            tags.append(f"replaces:{_tag(tx.replaces)}")
        out.write(
            f"\n{tx.date.isoformat()} * ({tx.id}) {_description(tx.description)}"
            f"  ; {', '.join(tags)}\n"
        )
        if tx.note:
            out.write(f"    ; note: {' '.join(visible(tx.note).split())}\n")
        for p in tx.postings:
            amount = f"{format_amount(p.minor, p.currency, grouping=False)} {p.currency}"
            out.write(f"    {accounts[p.account]:<40}  {amount:>24}\n")
        count += 1
    return count
