"""One open ledger database: opening (creating and migrating) it, the unit of work
every use case runs in (one database transaction per write, retried on conflicts, or
rolled back for a dry run; one per read), and the currency exponents the ledger pinned
(ADR 0002, 0005, 0008). The use cases build on it through `LedgerCore`."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self, TypeVar

from splitledger import domain
from splitledger.domain import currency as pins
from splitledger.services import logs
from splitledger.services.errors import Conflict, InvalidInput, Unavailable
from splitledger.services.retry import WaitControl, controlled, current_control, with_retries
from splitledger.store import currencies
from splitledger.store.connection import NOTIFY_CHANGE, Database, wait_slice_ms
from splitledger.store.errors import MissingDriverError, StoreError, driver_error
from splitledger.store.location import TargetError, resolve
from splitledger.store.schema_version import ensure_current
from splitledger.store.unit import Unit

if TYPE_CHECKING:
    from sqlalchemy import Engine

T = TypeVar("T")

#: unit.info key: the codes a write pinned, known to the ledger once it commits.
_FRESH_PINS = "splitledger.fresh_pins"


def _default_actor() -> str:
    try:
        for name in ("SPLITLEDGER_ACTOR", "LOGNAME", "USER", "LNAME", "USERNAME"):
            if os.environ.get(name):  # getpass.getuser's order, without its import
                return os.environ[name]
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class LedgerDatabase:
    """One open ledger database: the unit of work every use case runs in."""

    def __init__(self, database: Database, *, actor: str | None = None) -> None:
        self.database = database
        self.where = database.where
        self.actor = (actor or _default_actor())[:100]
        self._sqlite = database.sqlite
        self._engine: Engine | None = None
        #: Codes the ledger has pinned (as far as this instance knows, committed): a write
        #: that uses only these spends no statement on currencies.
        self._pinned: set[str] = set()
        #: Codes whose pin in the domain this instance holds; `close` releases them.
        self._held: set[str] = set()

    @classmethod
    def open(cls, target: str | None = None, *, actor: str | None = None) -> Self:
        """Open (creating and migrating as needed) the ledger at `target`."""
        try:
            located = resolve(target)
        except TargetError as exc:
            raise InvalidInput(str(exc), field="db") from None
        database: Database | None = None
        try:
            database = Database(located)
            ensure_current(database)
            core = cls(database, actor=actor)
        except MissingDriverError as exc:  # an extra to install: the caller's to fix
            raise InvalidInput(str(exc)) from None
        except StoreError as exc:
            if database is not None:
                database.close()
            raise Unavailable(str(exc)) from None
        except Exception as exc:
            if database is not None:
                database.close()
            reason = driver_error(exc)
            if reason is None and not isinstance(exc, OSError):
                raise
            raise Unavailable(
                f"cannot open the ledger at {located.where}: {reason or exc}"
            ) from None
        try:
            core.load_currencies()
        except BaseException:
            core.close()
            raise
        logs.event("ledger.open", where=core.where, actor=actor)
        return core

    @classmethod
    def adopt(cls, other: LedgerDatabase) -> Self:
        """The ledger `other` has open, as an instance of this class (more use cases):
        its database, actor and currency pins move over, and `other` must not be used or
        closed afterwards. The app opens the first screen with the reading use cases
        alone and adopts them into a full `Ledger` after the first frame (ADR 0015)."""
        new = cls(other.database, actor=other.actor)
        new._pinned, other._pinned = other._pinned, set()
        new._held, other._held = other._held, set()
        new._engine, other._engine = other._engine, None
        return new

    @property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on the same ledger, made on first use, for tools and tests
        that inspect it through SQL (the use cases never need it: ADR 0015)."""
        if self._engine is None:
            from splitledger.store.engine import make_engine

            self._engine = make_engine(self.database.target)
        return self._engine

    def load_currencies(self) -> None:
        """Register the exponents this ledger pinned with the domain, so that its amounts
        are read at the scale they were written at (`open` calls it)."""
        try:
            with self.database.transaction() as unit:
                stored = currencies.load(unit)
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None:
                raise
            raise Unavailable(f"cannot open the ledger at {self.where}: {orig}") from None
        for code, places in sorted(stored.items()):
            try:
                self._hold(code, places)
            except domain.CurrencyError:
                other = pins.pinned().get(code)
                raise Unavailable(
                    f"cannot open the ledger at {self.where}: it keeps {code} amounts to "
                    f"{places} decimal places, but a ledger already open in this program "
                    f"keeps them to {other}; close that one first"
                ) from None
        self._pinned.update(stored)

    def _hold(self, code: str, places: int) -> None:
        if code not in self._held:
            pins.pin(code, places)
            self._held.add(code)

    def close(self) -> None:
        held, self._held = self._held, set()
        for code in held:
            pins.unpin(code)
        self.database.close()
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------

    @contextmanager
    def lock_waits(
        self,
        *,
        cancel: threading.Event | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> Iterator[None]:
        """Writes made in the block (by this thread) that wait for the ledger lock call
        `on_wait(seconds waited)` as they wait on, and stop with `Cancelled`, nothing
        written, within about `connection.WAIT_SLICE_MS` once `cancel` is set."""
        with controlled(WaitControl(cancel, on_wait)):
            yield

    def _write(self, operation: str, work: Callable[[Unit], T], *, dry_run: bool = False) -> T:
        """Run `work` in one database transaction, retried on conflicts, and commit it;
        with `dry_run`, roll it back instead (`work` does and checks everything, and
        nothing is written)."""
        control = current_control()
        # PostgreSQL waits for a row lock without end unless told: bounded per try when
        # a caller follows the wait (SQLite's busy timeout is sliced for every write).
        bounded = (
            f"SET LOCAL lock_timeout = {wait_slice_ms()}"
            if control is not None and not self._sqlite
            else None
        )

        def attempt() -> T:
            with self.database.transaction(write=True, sliced=True, commit=not dry_run) as unit:
                if bounded is not None:
                    unit.run(bounded)
                result = work(unit)
                if not dry_run and not self._sqlite:  # delivered on commit (live refresh)
                    unit.run(NOTIFY_CHANGE)
            fresh = unit.info.get(_FRESH_PINS)
            if fresh and not dry_run:  # committed: later writes need not pin them again
                self._pinned |= fresh
            return result

        try:
            return with_retries(operation, attempt, control=control)
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None:
                raise
            logs.event("error", operation=operation, error=str(orig))
            raise Unavailable(f"{operation} failed: {orig}") from exc

    def _read(self, work: Callable[[Unit], T]) -> T:
        try:
            with self.database.transaction() as unit:
                return work(unit)
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None:
                raise
            raise Unavailable(f"reading the ledger failed: {orig}") from exc

    def _use_currencies(self, unit: Unit, codes: Iterable[str]) -> None:
        """Pin, in this write's transaction, each of `codes` that the ledger has not used
        before, at ISO 4217's exponent (ADR 0002). Insert-if-absent, so a concurrent
        first use elsewhere is no error; the exponent the ledger ends up holding must be
        the one this program read the write's amounts at, else nothing is written."""
        new = set(codes) - self._pinned
        if not new:
            return
        try:
            wanted = {code: pins.standard_exponent(code) for code in new}
        except domain.CurrencyError as exc:
            raise InvalidInput(str(exc), field="currency") from None
        stored = currencies.pin_missing(unit, wanted)
        for code in sorted(new):
            places, used = stored[code], domain.exponent(code)
            if places != used:
                if code in pins.pinned():
                    raise Conflict(
                        f"{code}: this ledger keeps {code} amounts to {places} decimal places, "
                        f"but a ledger already open in this program keeps them to {used}; "
                        "close that one first (nothing was written)"
                    )
                self._hold(code, places)  # so that a second try reads amounts right
                raise Conflict(
                    f"{code}: another splitledger fixed this ledger's {code} amounts at "
                    f"{places} decimal places meanwhile; nothing was written, try again"
                )
            self._hold(code, places)
        unit.info.setdefault(_FRESH_PINS, set()).update(new)
