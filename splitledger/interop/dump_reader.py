"""Our own JSON dump as an import reader (`interop.formats`): `read_dump`'s result as an
`ImportedFile`, its balances the totals to reconcile with, its history links kept."""

from __future__ import annotations

from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.json_dump import read_dump
from splitledger.interop.text import decode


def detect(head: str) -> bool:
    """A JSON object whose start names our format."""
    return head.lstrip().startswith("{") and '"splitledger-group"' in head


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    del options  # a dump is exact: nothing to relax
    dump = read_dump(decode(data))
    reverses = {r.key: r.reverses for r in dump.transactions if r.reverses}
    replaces = {r.key: r.replaces for r in dump.transactions if r.replaces}
    return ImportedFile(
        format="json",
        members=dump.group.members,
        currency=dump.group.currency,
        transactions=list(dump.domain),
        totals=dump.balances,
        rates=dump.group.rates,
        reverses=reverses,
        replaces=replaces,
    )
