r"""An hledger journal of a group: one journal transaction per ledger transaction, each
posting to `members:<name>`, so `hledger -f FILE bal` shows the same member balances as
`splitledger balances` (> 0: the group owes the member). Account names come from
`accounts.AccountMap`: one per member, and none that reads like another member's name.

It passes `hledger check -s` (strict): ahead of the transactions it declares every
currency used, as `commodity 1000.00 EUR` (the currency's minor-unit places, no digit
groups, as the amounts are written; `commodity 1000. JPY` for none, as hledger wants a
decimal mark), and every account used, tagged with whom it stands for (`member:ann`,
removed members included; `exchange:BDT-EUR` for `equity:conversion:BDT-EUR`). To know
them first, the transactions are spooled on a first pass, in bounded memory.

A transaction's note is a comment line under it: `; note: TEXT`. hledger reads any
`word:` in a comment as a tag, so TEXT has no `:`: each is written as `∶` (U+2236
RATIO), and a backslash escapes the characters that would then be ambiguous. To read
TEXT back: `\\` is `\`, `\∶` is `∶`, any other `∶` is `:`, all else is as typed.
(hledger itself sees a `note:` tag whose value ends at the note's first comma.) The
values of the other tags carry no comma, the end of a tag value, so no text in them
starts a tag. Text stored before the input policy is written through `domain.visible`:
a journal never carries raw control characters."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import TextIO

from splitledger.domain import exponent, format_amount, visible
from splitledger.domain.fx import EXCHANGE_PREFIX, is_exchange_account
from splitledger.interop.accounts import AccountMap, hledger_component
from splitledger.interop.records import GroupRecord, TxRecord

ROOT = "members:"
EXCHANGE = "equity:conversion:"  # hledger's own name for the other side of conversions
#: What the first pass keeps in memory before it spills to a temporary file.
_SPOOL_BYTES = 4 * 1024 * 1024
_BLOCK = 1024 * 1024  # characters read back at a time
#: Starts a posting's line in the spool; never in the text (`visible` shows NUL as ␀).
_MARK = "\0"
_NOTE_ESCAPES = str.maketrans({"\\": "\\\\", "\u2236": "\\\u2236", ":": "\u2236"})


def _tag(value: str) -> str:
    """A tag value: one line, and no comma (commas end hledger tag values)."""
    return " ".join(visible(value).replace(",", " ").split())


def _description(text: str) -> str:
    """One line; a `;` would start a comment, so it becomes a comma."""
    return " ".join(visible(text).replace(";", ",").split())


def note_text(note: str) -> str:
    """The note as the journal writes it: no `:`, so no tag (see the module docstring)."""
    return visible(note).translate(_NOTE_ESCAPES)


def _commodity(currency: str) -> str:
    """`commodity 1000.00 EUR`: the sample amount shows how the amounts are written."""
    places = exponent(currency)
    return f"commodity 1000.{'0' * places} {currency}\n"


def _account(name: str, account: str) -> str:
    """The `account` directive, tagged with whom the account stands for."""
    if is_exchange_account(name):
        return f"account {account}  ; exchange:{name.removeprefix(EXCHANGE_PREFIX)}\n"
    return f"account {account}  ; member:{_tag(name)}\n"


def _head(tx: TxRecord) -> str:
    """The transaction's first line, and its note's line if it has one."""
    tags = [f"kind:{tx.kind}", f"key:{_tag(tx.key)}"]
    if tx.category:
        tags.append(f"category:{_tag(tx.category)}")
    if tx.reverses:
        tags.append(f"reverses:{_tag(tx.reverses)}")
    if tx.replaces:
        tags.append(f"replaces:{_tag(tx.replaces)}")
    title = f"{tx.date.isoformat()} * ({tx.id}) {_description(tx.description)}"
    head = f"\n{title}  ; {', '.join(tags)}\n"
    if tx.note:
        head += f"    ; note: {note_text(tx.note)}\n"
    return head


def _filled(text: str, column: list[str]) -> str:
    """Spooled whole lines with each posting's account put in by its number."""
    parts = text.split(_MARK)
    parts[1::2] = [column[int(number)] for number in parts[1::2]]
    return "".join(parts)


def write_journal(out: TextIO, group: GroupRecord, txs: Iterable[TxRecord]) -> int:
    """Write the journal; returns the number of transactions."""
    currencies = {group.currency, *(c for r in group.rates for c in (r.base, r.quote))}
    names = {name: index for index, name in enumerate(dict.fromkeys(group.members))}
    count = 0
    with tempfile.SpooledTemporaryFile(
        max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        for tx in txs:  # first pass: the text aside, each posting's account by number
            spool.write(_head(tx))
            for p in tx.postings:
                index = names.setdefault(p.account, len(names))
                currencies.add(p.currency)
                amount = f"{format_amount(p.minor, p.currency, grouping=False)} {p.currency}"
                spool.write(f"{_MARK}{index}{_MARK}{amount:>24}\n")
            count += 1
        members = set(group.members)
        accounts = AccountMap(
            ROOT,
            hledger_component,
            [*group.members, *sorted(n for n in names if n not in members)],
            exchange_prefix=EXCHANGE,
        )
        out.write(
            f"; splitledger export of group {_description(group.name)} ({group.currency}).\n"
            "; A balance > 0 means the group owes that member; < 0 that the member owes.\n"
            "decimal-mark .\n\n"
        )
        for currency in sorted(currencies):
            out.write(_commodity(currency))
        out.write("\n")
        for name, account in accounts.items():
            out.write(_account(name, account))
        for rate in group.rates:
            value = format(rate.rate.normalize(), "f")
            out.write(f"P {rate.date.isoformat()} {rate.base} {value} {rate.quote}\n")
        column = [f"    {accounts[name]:<40}  " for name in names]
        spool.seek(0)
        rest = ""
        while block := spool.read(_BLOCK):  # second pass: the accounts filled in
            done, end, rest = (rest + block).rpartition("\n")
            out.write(_filled(done + end, column))
        out.write(_filled(rest, column))
    return count
