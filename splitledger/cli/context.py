"""The ledger a command works on: opened once per invocation from the root's `--db`,
closed when the command ends."""

from __future__ import annotations

import click

from splitledger.services.ledger import Ledger

_KEY = "splitledger.ledger"


def ledger() -> Ledger:
    root = click.get_current_context().find_root()
    found = root.meta.get(_KEY)
    if not isinstance(found, Ledger):
        found = Ledger.open(root.params.get("db"))
        root.meta[_KEY] = found
        root.call_on_close(found.close)
    return found


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
key_option = click.option(
    "--key",
    metavar="KEY",
    help="Idempotency key: retrying with the same key never records twice.",
)
