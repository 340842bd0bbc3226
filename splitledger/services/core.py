"""Shared plumbing of the use cases: opening a ledger, one database transaction per
write inside a bounded retry loop, idempotency replay, member lookup, pinning currencies
and appending transactions with their audit entries."""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.domain import currency as pins
from splitledger.services import logs
from splitledger.services.errors import (
    Conflict,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    Unavailable,
)
from splitledger.services.inputs import (
    Request,
)
from splitledger.services.retry import WaitControl, controlled, current_control, with_retries
from splitledger.services.views import (
    GroupView,
    PostingView,
    TxView,
)
from splitledger.store import currencies, migrate, repository
from splitledger.store.engine import NOTIFY_CHANGE, make_engine, wait_slice_ms, writer
from splitledger.store.errors import StoreError, driver_error
from splitledger.store.location import display_url, resolve_url
from splitledger.store.raw import Raw
from splitledger.store.repository import GroupHead, MemberRef
from splitledger.store.schema import GroupRow, TransactionRow

T = TypeVar("T")
R = TypeVar("R", bound=Request)

#: session.info key: the codes a write pinned, known to the ledger once it commits.
_FRESH_PINS = "splitledger.fresh_pins"


def validate(model: type[R], **data: object) -> R:
    """Build a request, turning pydantic's errors into one plain `InvalidInput`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else model.__name__
        raise InvalidInput(_plain_message(first), field=field) from None


#: What a request's list fields are called in a message ("member #2: …").
_LABELS = {
    "names": "member",
    "members": "member",
    "paid_by": "payer",
    "participants": "participant",
}


def _plain_message(error: Any) -> str:
    """One pydantic error in plain words: `member #1: must not be empty`, never
    `members.0: String should have at least 1 character`."""
    loc = [p for p in error["loc"] if not isinstance(p, int)]
    numbers = [p for p in error["loc"] if isinstance(p, int)]
    field = str(loc[0]) if loc else "input"
    where = _LABELS.get(field, field.replace("_", " "))
    if numbers:
        where += f" #{numbers[0] + 1}"
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, domain.DomainError):
        # The policy's message, under the request's own field name ("payer", not "name").
        return f"{where}: {str(cause).partition(': ')[2] or cause}"
    ctx = error.get("ctx", {})
    plain = {
        "string_too_short": "must not be empty",
        "too_short": "give at least one",
        "missing": "is required",
        "string_too_long": f"is too long (at most {ctx.get('max_length')} characters)",
        "too_long": f"too many (at most {ctx.get('max_length')})",
        "greater_than": f"must be greater than {ctx.get('gt')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "date_parsing": "must be a date written YYYY-MM-DD",
        "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
        "date_type": "must be a date written YYYY-MM-DD",
        "literal_error": f"must be one of {ctx.get('expected')}",
        "string_type": "must be text",
    }.get(error["type"])
    if plain is None:
        plain = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {plain}"


def _default_actor() -> str:
    try:
        return os.environ.get("SPLITLEDGER_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class LedgerCore:
    """One open ledger database: the unit-of-work plumbing every use case shares."""

    def __init__(self, engine: Engine, *, where: str, actor: str | None = None) -> None:
        self.engine = engine
        self.where = where
        self.actor = (actor or _default_actor())[:100]
        self._writer = writer(engine, sliced=True)
        self._sqlite = engine.dialect.name == "sqlite"
        #: Codes the ledger has pinned (as far as this instance knows, committed): a write
        #: that uses only these spends no statement on currencies.
        self._pinned: set[str] = set()
        #: Codes whose pin in the domain this instance holds; `close` releases them.
        self._held: set[str] = set()

    @classmethod
    def open(cls, target: str | None = None, *, actor: str | None = None) -> Self:
        """Open (creating and migrating as needed) the ledger at `target`."""
        url = resolve_url(target)
        where = display_url(url)
        try:
            engine = make_engine(url)
            migrate.upgrade(engine, where)
            core = cls(engine, where=where, actor=actor)
        except StoreError as exc:
            raise Unavailable(str(exc)) from None
        except (OperationalError, OSError) as exc:
            reason = getattr(exc, "orig", exc)
            raise Unavailable(f"cannot open the ledger at {where}: {reason}") from None
        try:
            core.load_currencies()
        except BaseException:
            core.close()
            raise
        logs.event("ledger.open", where=where, actor=actor)
        return core

    def load_currencies(self) -> None:
        """Register the exponents this ledger pinned with the domain, so that its amounts
        are read at the scale they were written at (`open` calls it)."""
        try:
            with self.engine.connect() as connection:
                stored = currencies.load(connection)
        except OperationalError as exc:
            raise Unavailable(f"cannot open the ledger at {self.where}: {exc.orig}") from None
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
        self.engine.dispose()

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
        written, within about `engine.WAIT_SLICE_MS` once `cancel` is set."""
        with controlled(WaitControl(cancel, on_wait)):
            yield

    def _write(self, operation: str, work: Callable[[Session], T]) -> T:
        control = current_control()
        # PostgreSQL waits for a row lock without end unless told: bounded per try when
        # a caller follows the wait (SQLite's busy timeout is sliced for every write).
        bounded = (
            f"SET LOCAL lock_timeout = {wait_slice_ms()}"
            if control is not None and not self._sqlite
            else None
        )

        def attempt() -> T:
            # A Core connection's transaction, joined by a Session that starts only if the
            # work uses the ORM: starting the Session's own transaction just to reach the
            # cursor cost ~60 µs a write (measured per phase; ADR 0008).
            with self._writer.connect() as connection:
                with connection.begin():
                    session = Session(bind=connection, expire_on_commit=False)
                    Raw.attach(session, connection)
                    try:
                        if bounded is not None:
                            Raw.of(session).run(bounded)
                        result = work(session)
                        session.flush()  # ORM changes, if any, go in before the commit
                        if not self._sqlite:  # delivered on commit only (live refresh)
                            Raw.of(session).run(NOTIFY_CHANGE)
                    finally:
                        session.close()
                fresh = session.info.get(_FRESH_PINS)
                if fresh:  # committed: later writes need not pin them again
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

    def _read(self, work: Callable[[Session], T]) -> T:
        try:
            with Session(self.engine) as session, session.begin():
                return work(session)
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None:
                raise
            raise Unavailable(f"reading the ledger failed: {orig}") from exc

    def _replay(
        self, session: Session, key: str | None, fingerprint: str, operation: str
    ) -> int | None:
        """The result id of an earlier request with `key`, or None if the key is new.
        Raises `IdempotencyConflict` if the key was used for a different payload."""
        if key is None:
            return None
        seen = repository.find_request(session, key)
        if seen is None:
            return None
        if seen.fingerprint != fingerprint or seen.operation != operation:
            raise IdempotencyConflict(
                f"idempotency key {key!r} was already used for a different request"
            )
        return seen.result_id

    def _group(self, session: Session, name: str, *, lock: bool = False) -> GroupHead:
        group = repository.group_head(session, name=name, lock=lock)
        if group is None:
            # `flat` finds `Flat`: names that read the same are one name (ADR 0010).
            same = self._group_named_like(session, name)
            if same is not None:
                group = repository.group_head(session, name=same, lock=lock)
        if group is None:
            raise NotFound(f"no group named {name!r}", field="group")
        return group

    @staticmethod
    def _group_named_like(session: Session, name: str, *, but: int | None = None) -> str | None:
        """The name of the group whose name reads the same as `name`, if any."""
        key = domain.name_key(name)
        for row in repository.list_groups(session):
            if row.id != but and domain.name_key(row.name) == key:
                return row.name
        return None

    def _member_rows(self, session: Session, group: GroupHead | GroupRow) -> dict[str, MemberRef]:
        """Every member (removed ones too) by name, loaded once per unit of work; a use
        case that changes members calls `_members_changed`."""
        cache: dict[int, dict[str, MemberRef]] = session.info.setdefault("members", {})
        if group.id not in cache:
            cache[group.id] = repository.member_refs(session, group.id)
        return cache[group.id]

    @staticmethod
    def _members_changed(session: Session) -> None:
        session.info.pop("members", None)

    def _member_ids(
        self, session: Session, group: GroupHead, names: Iterable[str]
    ) -> dict[str, int]:
        """Name -> id for postings; removed members count (a reversal may touch them)."""
        rows = self._member_rows(session, group)
        for name in names:
            if name not in rows:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
        return {name: m.id for name, m in rows.items()}

    def _require_active(self, session: Session, group: GroupHead, names: Iterable[str]) -> None:
        """New expenses and payments may only name current members."""
        rows = self._member_rows(session, group)
        for name in names:
            member = rows.get(name)
            if member is None:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
            if member.archived:
                raise InvalidInput(
                    f"{name!r} was removed from {group.name!r}; add them again first",
                    field="member",
                )

    def _use_currencies(self, session: Session, codes: Iterable[str]) -> None:
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
        stored = currencies.pin_missing(Raw.of(session), wanted)
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
        session.info.setdefault(_FRESH_PINS, set()).update(new)

    def _changed(
        self,
        session: Session,
        action: str,
        *,
        group_id: int | None,
        entity_id: int | None,
        payload: dict[str, Any],
    ) -> None:
        """Record a state change: a row in the audit log (same DB transaction) and a line
        in the structured log."""
        repository.audit(
            session,
            actor=self.actor,
            action=action,
            group_id=group_id,
            entity_id=entity_id,
            payload=payload,
        )
        logs.event(action, group_id=group_id, entity_id=entity_id, actor=self.actor, **payload)

    def _restore(self, session: Session, group: GroupHead, member: MemberRef, why: str) -> None:
        repository.set_archived(session, member.id, False)
        self._members_changed(session)
        self._changed(
            session,
            "member.restore",
            group_id=group.id,
            entity_id=member.id,
            payload={"name": member.name, "why": why},
        )

    def _group_view(self, session: Session, group: GroupHead | GroupRow) -> GroupView:
        active = tuple(name for name, m in self._member_rows(session, group).items() if m.active)
        return GroupView(group.id, group.name, group.currency, active)

    def _tx_views(self, session: Session, rows: Sequence[TransactionRow]) -> list[TxView]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        postings = repository.postings_of(session, ids)
        names = repository.group_names(session, (r.group_id for r in rows))
        reversed_by = repository.reversals_of(session, ids)
        return [
            TxView(
                id=r.id,
                group=names[r.group_id],
                seq=r.seq,
                kind=r.kind,
                date=r.date,
                description=r.description,
                category=r.category,
                idempotency_key=r.idempotency_key,
                postings=tuple(
                    PostingView(p.account, p.currency, p.minor) for p in postings.get(r.id, [])
                ),
                reverses_id=r.reverses_id,
                replaces_id=r.replaces_id,
                reversed_by=reversed_by.get(r.id),
                actor=r.actor,
            )
            for r in rows
        ]

    def _tx_view(self, session: Session, tx_id: int) -> TxView:
        row = repository.get_transaction(session, tx_id)
        if row is None:
            raise NotFound(f"no such transaction #{tx_id}", field="tx")
        return self._tx_views(session, [row])[0]

    def _append(
        self,
        session: Session,
        group: GroupHead,
        tx: domain.Transaction,
        *,
        action: str,
        replaces_id: int | None = None,
    ) -> TxView:
        """Append `tx` and its audit entry; the view is built from memory (no re-read)."""
        row = self._append_many(session, group, [(tx, replaces_id)], action=action)[0]
        return TxView(
            id=row.id,
            group=group.name,
            seq=row.seq,
            kind=row.kind,
            date=row.date,
            description=row.description,
            category=row.category,
            idempotency_key=row.idempotency_key,
            postings=tuple(PostingView(p.account, p.currency, p.minor) for p in tx.postings),
            reverses_id=row.reverses_id,
            replaces_id=row.replaces_id,
            actor=row.actor,
        )

    def _append_many(
        self,
        session: Session,
        group: GroupHead,
        items: Sequence[tuple[domain.Transaction, int | None]],
        *,
        action: str,
        log_each: bool = True,
    ) -> list[repository.Written]:
        """Append transactions with one audit row each, in a few statements."""
        touched = {p.account for tx, _ in items for p in tx.postings}
        codes = {p.currency for tx, _ in items for p in tx.postings}
        if not codes <= self._pinned:  # the common case costs this comparison only
            self._use_currencies(session, codes)
        ids = self._member_ids(session, group, touched)
        member_rows = self._member_rows(session, group)
        for name in sorted(touched):
            if member_rows[name].archived:
                self._restore(session, group, member_rows[name], f"{action} posts to them")
        rows = repository.append_transactions(session, group, items, ids, actor=self.actor)
        audits: list[dict[str, object]] = []
        for (tx, replaces_id), row in zip(items, rows, strict=True):
            payload = {
                "kind": repository.KIND_TEXT[tx.kind],
                "date": tx.date.isoformat(),
                "description": tx.description,
                "category": tx.category,
                "key": tx.idempotency_key,
                "reverses": tx.reverses,
                "replaces": replaces_id,
                "postings": [[p.account, p.currency, p.minor] for p in tx.postings],
                "hash": row.hash,
            }
            audits.append(
                {
                    "actor": self.actor,
                    "action": action,
                    "group_id": group.id,
                    "entity_id": row.id,
                    "payload": payload,
                }
            )
            if log_each:  # the story in brief; the audit row (same commit) has the rest
                logs.event(action, group=group.name, tx=row.id, key=row.idempotency_key)
        repository.audit_many(session, audits)
        return rows

    def _add_rate_locked(
        self, session: Session, group: GroupHead, rate: domain.Rate, where: str
    ) -> bool:
        """Record `rate`; False if the same rate is already there for that day."""
        text = format(rate.rate.normalize(), "f")
        existing = repository.find_rate(session, group.id, rate.date, rate.base, rate.quote)
        if existing is not None:
            if domain.parse_rate(existing.rate) == rate.rate:
                return False
            raise InvalidInput(
                f"{where}a {rate.base}/{rate.quote} rate for {rate.date.isoformat()} is already "
                f"recorded ({existing.rate}); rates are kept as history, so record the change "
                "on another day",
                field="rate",
            )
        self._use_currencies(session, (rate.base, rate.quote))
        repository.add_rate(session, group.id, rate.date, rate.base, rate.quote, text, self.actor)
        self._changed(
            session,
            "rate.add",
            group_id=group.id,
            entity_id=None,
            payload={
                "date": rate.date.isoformat(),
                "base": rate.base,
                "quote": rate.quote,
                "rate": text,
            },
        )
        return True

    def _ensure_exchange(self, session: Session, group: GroupHead, account: str) -> None:
        if account not in self._member_rows(session, group):
            repository.add_member(session, group.id, account, kind="exchange")
            self._members_changed(session)
