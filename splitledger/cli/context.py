"""The ledger a command works on: opened once per invocation from the root's `--db`,
closed when the command ends."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TypeVar

import click

from splitledger.cli.output import echo

if TYPE_CHECKING:
    from splitledger.services.database import LedgerDatabase
    from splitledger.services.entry_ledger import EntryLedger
    from splitledger.services.ledger import Ledger
    from splitledger.services.read_ledger import ReadLedger

    L = TypeVar("L", bound=LedgerDatabase)

_KEY = "splitledger.ledger"
#: Seconds a write waits for the ledger lock before the command says so (on a terminal).
WAIT_NOTICE_SECONDS = 1.0


class WaitNotice:
    """Says once, on stderr, that the command waits for another terminal's write: a
    silent pause of many seconds reads as a hang. Scripts (no terminal) hear nothing."""

    def __init__(self) -> None:
        self.said = False

    def __call__(self, waited: float) -> None:
        if not self.said and waited >= WAIT_NOTICE_SECONDS:
            self.said = True
            echo("waiting for the ledger lock…", err=True)


def ledger() -> Ledger:
    """The ledger of this invocation with every use case, opened on first use: the
    services are imported here, when a command needs them, not when its module loads
    (`--help`, bad input)."""
    from splitledger.services.ledger import Ledger

    return _opened(Ledger)


def read_ledger() -> ReadLedger:
    """The ledger with only the reading and settling use cases: what `balances`,
    `history` and `settle` call, without importing the other families (ADR 0015)."""
    from splitledger.services.read_ledger import ReadLedger

    return _opened(ReadLedger)


def entry_ledger() -> EntryLedger:
    """The ledger with only the entry-recording use cases (`expense add`,
    `payment add`), without importing the other families (ADR 0015)."""
    from splitledger.services.entry_ledger import EntryLedger

    return _opened(EntryLedger)


def _opened(kind: type[L]) -> L:
    """This invocation's ledger of `kind`, opened once from the root's `--db` and
    closed when the command ends."""
    root = click.get_current_context().find_root()
    slot = f"{_KEY}.{kind.__name__}"
    found = root.meta.get(slot)
    if not isinstance(found, kind):
        found = kind.open(root.params.get("db"))
        root.meta[slot] = found
        root.call_on_close(found.close)
        if sys.stderr.isatty():
            root.with_resource(found.lock_waits(on_wait=WaitNotice()))
    return found


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
key_option = click.option(
    "--key",
    metavar="KEY",
    help="Idempotency key: retrying with the same key never records twice.",
)
