"""Ledgers as older splitledgers left them, for migration tests: the schema at an old
revision, written by today's services with what those revisions lacked taken away."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from unittest import mock

from alembic import command

from splitledger.domain.currency import pin, unpin
from splitledger.services.core import LedgerCore
from splitledger.services.entries import EntryCases
from splitledger.services.ledger import Ledger
from splitledger.store import definitions, migrate
from splitledger.store.connection import Database
from splitledger.store.engine import make_engine, writer
from splitledger.store.location import resolve


@contextlib.contextmanager
def old_exponents(exponents: Mapping[str, int]) -> Iterator[None]:
    """Write as splitledger did before revision 0003: no `currencies` table to pin in,
    and amounts at the exponents CLDR gave then (e.g. HUF 0), held for the duration."""
    for code, places in exponents.items():
        pin(code, places)
    try:
        with mock.patch.object(LedgerCore, "_use_currencies", return_value=None):
            yield
    finally:
        for code in exponents:
            unpin(code)


def ledger_at(
    db_url: str,
    revision: str,
    write: Callable[[Ledger], None],
    exponents: Mapping[str, int] | None = None,
) -> None:
    """Create the database at `revision` and let `write` fill it through the services
    (with `exponents` as the CLDR digits of the time)."""
    target = resolve(db_url)
    engine = make_engine(target)
    with writer(engine).begin() as conn:
        command.upgrade(migrate._config(conn), revision)
    engine.dispose()
    with (
        old_exponents(exponents or {}),
        no_definitions() if revision < "0004" else contextlib.nullcontext(),
        Ledger(Database(target), actor="old") as ledger,
    ):
        write(ledger)


@contextlib.contextmanager
def no_definitions() -> Iterator[None]:
    """Write as splitledger did before revision 0004: expenses keep no definition (and
    so, were one read, each is derived from its postings)."""
    with (
        mock.patch.object(EntryCases, "_save_bill", return_value=None),
        mock.patch.object(definitions, "load", return_value={}),
    ):
        yield
