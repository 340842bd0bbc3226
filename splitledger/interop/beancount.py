"""A beancount ledger of a group.

Accounts: each member is `Assets:Members:<Name>` (the name cleaned to beancount's rules,
the original kept as `name:` metadata on its `open` directive). A posting > 0 means the
group owes that member, as in `splitledger balances`. The file ends with the `open` and
`commodity` directives (dated on the first transaction; beancount does not care about
order) and one `balance` assertion per member and currency the day after the last
transaction, so `bean-check FILE` itself proves the balances match the ledger's. Text
stored before the input policy is written through `domain.visible`, never raw.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TextIO

from splitledger.domain import format_amount, visible
from splitledger.interop.accounts import AccountMap, beancount_component
from splitledger.interop.errors import ExportError
from splitledger.interop.records import GroupRecord, TxRecord

ROOT = "Assets:Members:"
EXCHANGE = "Equity:Conversion:"
EPOCH = dt.date(1970, 1, 1)


def quote(text: str) -> str:
    """A beancount string literal, on one line."""
    cleaned = " ".join(visible(text).split())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_ledger(out: TextIO, group: GroupRecord, txs: Iterable[TxRecord]) -> int:
    """Write the ledger; returns the number of transactions."""
    accounts = AccountMap(ROOT, beancount_component, group.members, exchange_prefix=EXCHANGE)
    out.write(
        f"; splitledger export of group {' '.join(visible(group.name).split())} "
        f"({group.currency}).\n"
        "; A balance > 0 means the group owes that member; < 0 that the member owes.\n"
        f'option "title" {quote(group.name)}\n'
        f'option "operating_currency" "{group.currency}"\n'
    )
    sums: dict[tuple[str, str], int] = defaultdict(int)
    currencies = {group.currency, *(c for r in group.rates for c in (r.base, r.quote))}
    first: dt.date | None = None
    last: dt.date | None = None
    count = 0
    for tx in txs:
        first = tx.date if first is None else min(first, tx.date)
        last = tx.date if last is None else max(last, tx.date)
        if tx.date == dt.date.max:
            raise ExportError(
                f"transaction {tx.id} is dated {tx.date.isoformat()}, the last day a date "
                "can have, and beancount checks the balances on the day after; reverse it "
                "and record it again with its real date"
            )
        out.write(f"\n{tx.date.isoformat()} * {quote(tx.description)}\n")
        out.write(f'  txid: "{tx.id}"\n  kind: "{tx.kind}"\n  key: {quote(tx.key)}\n')
        if tx.category:
            out.write(f"  category: {quote(tx.category)}\n")
        if tx.reverses:
            out.write(f"  reverses: {quote(tx.reverses)}\n")
        if tx.replaces:
            out.write(f"  replaces: {quote(tx.replaces)}\n")
        if tx.note:
            out.write(f"  note: {quote(tx.note)}\n")
        for p in tx.postings:
            amount = f"{format_amount(p.minor, p.currency, grouping=False)} {p.currency}"
            out.write(f"  {accounts[p.account]:<40}  {amount:>24}\n")
            sums[accounts[p.account], p.currency] += p.minor
            currencies.add(p.currency)
        count += 1
    opened = first or EPOCH
    out.write("\n")
    for currency in sorted(currencies):
        out.write(f"{opened.isoformat()} commodity {currency}\n")
    for member, account in accounts.items():
        out.write(f"{opened.isoformat()} open {account}\n  name: {quote(member)}\n")
    for rate in group.rates:
        value = format(rate.rate.normalize(), "f")
        out.write(f"{rate.date.isoformat()} price {rate.base} {value} {rate.quote}\n")
    check = (last or EPOCH) + dt.timedelta(days=1)
    for account in sorted(a for _, a in accounts.items()):
        for currency in sorted(currencies):
            minor = sums.get((account, currency), 0)
            if minor or currency == group.currency:
                amount = format_amount(minor, currency, grouping=False)
                out.write(f"{check.isoformat()} balance {account}  {amount} {currency}\n")
    return count
