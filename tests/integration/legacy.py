"""Ledgers as older splitledgers left them, for migration tests: the schema at an old
revision, written by today's services with what those revisions lacked taken away."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from unittest import mock

from alembic import command
from sqlalchemy import Connection, text

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
        if revision < "0005":
            _add_0005(conn)
    with (
        old_exponents(exponents or {}),
        no_definitions() if revision < "0004" else contextlib.nullcontext(),
        Ledger(Database(target), actor="old") as ledger,
    ):
        write(ledger)
    if revision < "0005":
        with writer(engine).begin() as conn:
            _drop_0005(conn)
    engine.dispose()


#: What revision 0005 adds, in the plainest form today's services write to; taken away
#: again after writing, so the ledger holds exactly the old revision's schema (and the
#: migration under test fills the daily totals from its postings).
_TABLES_0005 = {
    "balance_days": "group_id INTEGER, day DATE, member_id INTEGER, currency VARCHAR(3), "
    "amount BIGINT, PRIMARY KEY (group_id, day, member_id, currency)",
    "spending_days": "group_id INTEGER, day DATE, category VARCHAR(500), member_id INTEGER, "
    "currency VARCHAR(3), paid BIGINT, consumed BIGINT, "
    "PRIMARY KEY (group_id, day, category, member_id, currency)",
    "period_closes": "id INTEGER PRIMARY KEY, group_id INTEGER, through DATE, "
    "closed_at TIMESTAMP, actor VARCHAR(100)",
}
_COLUMNS_0005 = {
    "transactions": "note VARCHAR(2000) NOT NULL DEFAULT ''",
    "groups": "archived_at TIMESTAMP",
}


def _add_0005(conn: Connection) -> None:
    for table, columns in _TABLES_0005.items():
        conn.execute(text(f"CREATE TABLE {table} ({columns})"))
    for table, column in _COLUMNS_0005.items():
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column}"))


def _drop_0005(conn: Connection) -> None:
    for table in _TABLES_0005:
        conn.execute(text(f"DROP TABLE {table}"))
    for table, column in _COLUMNS_0005.items():
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}"))


@contextlib.contextmanager
def no_definitions() -> Iterator[None]:
    """Write as splitledger did before revision 0004: expenses keep no definition (and
    so, were one read, each is derived from its postings)."""
    with (
        mock.patch.object(EntryCases, "_save_bill", return_value=None),
        mock.patch.object(definitions, "load", return_value={}),
    ):
        yield
