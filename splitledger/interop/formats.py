"""The import formats: each reader's module, and how `--format auto` tells them apart.

A reader is `read(data: bytes, options: ReadOptions) -> ImportedFile` in its own module,
imported only when its format is used; `detect(head: str) -> bool` says whether the
start of a file (decoded, at most `HEAD_CHARS` characters) looks like it. Auto-detection
asks the detectors in `READERS` order (the most specific first) and names the one it
chose; the generic CSV is never guessed (it needs `--map`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions

HEAD_CHARS = 4096


class Reader(NamedTuple):
    """Where a format's reader lives ("module:function"), its detector ("module:function"
    or None: never auto-detected) and its one-line description for help texts."""

    read: str
    detect: str | None
    about: str


READERS: dict[str, Reader] = {
    "json": Reader(
        "splitledger.interop.dump_reader:read",
        "splitledger.interop.dump_reader:detect",
        "splitledger's own JSON dump (export --format json)",
    ),
    "spliit": Reader(
        "splitledger.interop.spliit:read",
        "splitledger.interop.spliit:detect",
        "Spliit's CSV or JSON export (told apart by content)",
    ),
    # Before ihatemoney: a Cospend bills table has all of IHateMoney's columns too.
    "cospend": Reader(
        "splitledger.interop.cospend:read",
        "splitledger.interop.cospend:detect",
        "Nextcloud Cospend's project export (sectioned CSV: members, bills, currencies)",
    ),
    "ihatemoney": Reader(
        "splitledger.interop.ihatemoney:read",
        "splitledger.interop.ihatemoney:detect",
        "IHateMoney's bills export (JSON or CSV: payer_name, payer_weight, owers)",
    ),
    "splitwise": Reader(
        "splitledger.interop.splitwise:read",
        "splitledger.interop.splitwise:detect",
        "Splitwise's CSV export, in any of its languages and ages",
    ),
    "tricount": Reader(
        "splitledger.interop.tricount:read",
        "splitledger.interop.tricount:detect",
        "Tricount's CSV export ('Paid by <Name>' and 'Impacted to <Name>' columns)",
    ),
    "settleup": Reader(
        "splitledger.interop.settleup:read",
        "splitledger.interop.settleup:detect",
        "Settle Up's CSV export (UTF-8 or UTF-16; 'Who paid' / 'For whom' lists)",
    ),
    "csv": Reader(
        "splitledger.interop.generic_csv:read",
        None,
        "any spreadsheet or bank statement, read through --map (never guessed)",
    ),
}


def _load(target: str) -> Callable[..., object]:
    module, _, name = target.partition(":")
    found: object = getattr(importlib.import_module(module), name)
    if not callable(found):
        raise TypeError(f"{target} is not callable")
    return found


def read(fmt: str, data: bytes, options: ReadOptions) -> ImportedFile:
    """`data` read as `fmt` (a name of `READERS`)."""
    result = _load(READERS[fmt].read)(data, options)
    if not isinstance(result, ImportedFile):
        raise TypeError(f"the {fmt} reader returned {type(result).__name__}")
    return result


def detect(text: str) -> str:
    """The format the start of a file looks like; `FormatError` naming the formats
    when none (or the generic CSV's need for --map)."""
    head = text[:HEAD_CHARS]
    for name, reader in READERS.items():
        if reader.detect is not None and _load(reader.detect)(head):
            return name
    known = ", ".join(n for n, r in READERS.items() if r.detect is not None)
    raise FormatError(
        f"cannot tell which app wrote this file (tried {known}); give --format, or "
        "--format csv with --map for a spreadsheet or a bank statement"
    )
