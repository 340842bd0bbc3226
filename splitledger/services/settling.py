"""Settling up: the fewest transfers, and recording them as payments.

A plan is only right for the balances it was made from: recorded after another terminal
recorded one of its payments, it would pay that debt twice (and the next plan would have
people paying each other back). So a plan carries its `basis`, and `record_settlement`
refuses a plan whose basis no longer holds (`StalePlan`: what changed, and the plan
now), checked under the group's write lock (ADR 0012).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from splitledger import domain
from splitledger.domain import Transfer
from splitledger.services import inputs, views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import IdempotencyConflict, InvalidInput, Stale
from splitledger.services.idempotency import Idempotent, new_key
from splitledger.services.inputs import validate
from splitledger.store import repository
from splitledger.store.repository import GroupHead
from splitledger.store.unit import Unit

#: Every non-zero balance of a group, (account, currency, minor), sorted.
Basis = tuple[tuple[str, str, int], ...]


class SettlePlan(NamedTuple):
    """The fewest transfers that settle `group`, and the balances they settle; `as_of`:
    the balances as of that date (a read: what settled the group then), else today's."""

    group: str
    transfers: tuple[Transfer, ...]
    basis: Basis
    as_of: dt.date | None = None


class BalanceChange(NamedTuple):
    """One balance that moved since a plan was made."""

    member: str
    currency: str
    before: int
    after: int

    def __str__(self) -> str:
        def shown(minor: int) -> str:
            return domain.format_amount(minor, self.currency, grouping=False)

        return f"{self.member} {shown(self.before)} → {shown(self.after)} {self.currency}"


class StalePlan(Stale):
    """The balances a plan was made from changed before it was recorded: nothing was
    recorded. `changes` says how; `plan` is the plan now (None if the group cannot be
    settled now, e.g. a currency became partly converted)."""

    def __init__(
        self, message: str, *, changes: tuple[BalanceChange, ...], plan: SettlePlan | None
    ) -> None:
        super().__init__(message)
        self.changes = changes
        self.plan = plan


class _Moved(Exception):
    """Inside the write: the basis no longer holds (turned into `StalePlan` outside
    it, so that the new plan is worked out after the lock is let go)."""

    def __init__(self, group: str, rows: list[tuple[str, str, int]]) -> None:
        super().__init__()
        self.group, self.rows = group, rows


def basis_of(rows: Iterable[tuple[str, str, int]]) -> Basis:
    return tuple(sorted(row for row in rows if row[2]))


def plan_of(group: str, rows: Iterable[tuple[str, str, int]]) -> SettlePlan:
    """The plan settling balances `rows`. A currency that is only partly converted (its
    exchange account is not at zero) cannot settle: the members' balances in it do not
    sum to zero until the rest is converted."""
    basis = basis_of(rows)
    by_currency: dict[str, dict[str, int]] = {}
    for account, currency, minor in basis:
        if domain.is_exchange_account(account):
            amount = domain.format_amount(minor, currency)
            raise InvalidInput(
                f"{currency} is partly converted ({account} holds {amount} "
                f"{currency}); convert the rest to settle",
                field="currency",
            )
        by_currency.setdefault(currency, {})[account] = minor
    return SettlePlan(group, tuple(domain.plan_all(by_currency)), basis)


def changes_between(before: Basis, after: Basis) -> tuple[BalanceChange, ...]:
    old = {(m, c): a for m, c, a in before}
    new = {(m, c): a for m, c, a in after}
    return tuple(
        BalanceChange(m, c, old.get((m, c), 0), new.get((m, c), 0))
        for m, c in sorted(old.keys() | new.keys())
        if old.get((m, c), 0) != new.get((m, c), 0)
    )


class SettleCases(LedgerCore):
    """The settle-up plan and recording it as payments."""

    def settle_up(self, group: str, *, as_of: dt.date | None = None) -> SettlePlan:
        """The fewest transfers that zero every balance, per currency, with the
        balances they zero (pass them to `record_settlement` as `expected`). One read.

        With `as_of`, the plan of the balances as of that date (`balances(as_of=...)`):
        what would have settled the group then. It is for reading: its `basis` is not
        today's balances unless nothing is dated after it, so `record_settlement` with
        it as `expected` refuses it as stale (the CLI does not offer to record it)."""

        def work(unit: Unit) -> SettlePlan:
            row = self._group(unit, group)
            if as_of is None:
                return plan_of(row.name, repository.balances(unit, row.id))
            rows = repository.balances_as_of(unit, row.id, as_of)
            return plan_of(row.name, rows)._replace(as_of=as_of)

        return self._read(work)

    def settle_plan(self, group: str, *, as_of: dt.date | None = None) -> list[Transfer]:
        """`settle_up`'s transfers."""
        return list(self.settle_up(group, as_of=as_of).transfers)

    def settlement_under(self, group: str, key: str) -> list[Transfer]:
        """The transfers a settlement recorded under `key` in `group` (what a retry of
        it answers with), in their order; [] if the key is new. A key used for anything
        else, or in another group, is `IdempotencyConflict`, as a write would say."""

        def work(unit: Unit) -> list[Transfer]:
            row = self._group(unit, group)
            found: list[Transfer] = []
            for i in itertools.count():
                seen = repository.find_request(unit, f"{key}:{i}")
                if seen is None:
                    break
                tx = self._tx_view(unit, seen.result_id)
                if seen.operation != "tx.payment" or tx.group != row.name:
                    raise IdempotencyConflict(
                        f"idempotency key {key!r} was already used for a different request"
                    )
                paid = next(p for p in tx.postings if p.minor > 0)
                got = next(p for p in tx.postings if p.minor < 0)
                found.append(Transfer(paid.member, got.member, paid.currency, paid.minor))
            return found

        return self._read(work)

    def record_settlement(
        self,
        group: str,
        transfers: Sequence[Transfer],
        *,
        expected: Basis | None = None,
        key: str | None = None,
    ) -> list[views.TxView]:
        """Record the transfers as one settlement: a payment each, all or none, in one
        database transaction (ADR 0012). With `expected`, the `basis` of the plan they
        come from, nothing is recorded unless the group's balances are still those
        (`StalePlan` otherwise). Each payment's key is derived from `key` and its
        position, so a retry of the same plan answers with the same payments and
        records nothing new, whatever the balances are by then."""
        base = key or new_key()
        requests = payment_requests(group, transfers, lambda i: f"{base}:{i}")

        # One request per payment, each replayed on its own (a retry of a plan whose
        # payments were all recorded answers with them, whatever the balances are now).
        payments = [Idempotent.of("tx.payment", req, req.key) for req in requests]

        def work(unit: Unit) -> list[views.TxView]:
            row = self._group(unit, group, lock=True)
            seen = [payment.earlier(unit) for payment in payments]
            if requests and all(s is not None for s in seen):  # a retry of a recorded plan
                return [self._tx_view(unit, s) for s in seen if s is not None]
            if expected is not None:
                rows = repository.balances(unit, row.id)
                if basis_of(rows) != tuple(expected):
                    raise _Moved(row.name, rows)
            return self._record_transfers_locked(unit, row, requests, payments, seen, base)

        try:
            return self._write("record settlement", work)
        except _Moved as moved:
            raise self._stale(moved.group, tuple(expected or ()), moved.rows) from None

    def _record_transfers_locked(
        self,
        unit: Unit,
        row: GroupHead,
        requests: Sequence[inputs.RecordPayment],
        payments: Sequence[Idempotent],
        seen: Sequence[int | None],
        base: str,
    ) -> list[views.TxView]:
        """Record each payment request in group `row` (locked), those `seen` before
        answered as they were; several make one settlement in the audit log."""
        recorded: list[views.TxView] = []
        for req, payment, earlier in zip(requests, payments, seen, strict=True):
            if earlier is not None:
                recorded.append(self._tx_view(unit, earlier))
                continue
            currency = req.currency or row.currency
            try:
                tx = domain.build_payment(
                    payer=req.payer,
                    payee=req.payee,
                    amount=domain.parse_amount(req.amount, currency),
                    currency=currency,
                    date=req.date or dt.date.today(),
                    idempotency_key=req.key or "",
                    description=req.description,
                )
            except domain.DomainError as exc:
                raise InvalidInput(str(exc), field=exc.field) from None
            self._require_active(unit, row, (req.payer, req.payee))
            view = self._append(unit, row, tx, action=payment.operation)
            payment.remember(unit, view.id)
            recorded.append(view)
        if len(requests) > 1:  # one settlement: its payments, in the same commit
            self._changed(
                unit,
                "settle.record",
                group_id=row.id,
                entity_id=None,
                payload={"key": base, "payments": [v.id for v in recorded]},
            )
        return recorded

    @staticmethod
    def _stale(group: str, expected: Basis, rows: list[tuple[str, str, int]]) -> StalePlan:
        changes = changes_between(expected, basis_of(rows))
        moved = "; ".join(str(c) for c in changes)
        plan: SettlePlan | None = None
        try:
            fresh = plan_of(group, rows)
        except InvalidInput as exc:
            now = f"it cannot be settled now: {exc}"
        else:
            plan = fresh
            now = (
                "the plan now: " + "; ".join(_transfer_text(t) for t in fresh.transfers)
                if fresh.transfers
                else "everyone is settled up now"
            )
        return StalePlan(
            f"the balances of {group!r} changed since the plan was made ({moved}); "
            f"nothing was recorded; {now}",
            changes=changes,
            plan=plan,
        )


def payment_requests(
    group: str,
    transfers: Sequence[Transfer],
    key_of: Callable[[int], str],
    date: dt.date | None = None,
) -> list[inputs.RecordPayment]:
    """A settle-up payment request for each transfer, the i-th keyed `key_of(i)`."""
    return [
        validate(
            inputs.RecordPayment,
            group=group,
            payer=t.payer,
            payee=t.payee,
            amount=domain.format_amount(t.minor, t.currency, grouping=False),
            currency=t.currency,
            description=f"Settle up: {_shortened(t.payer)} paid {_shortened(t.payee)}",
            date=date,
            key=key_of(i),
        )
        for i, t in enumerate(transfers)
    ]


def _shortened(name: str, limit: int = 200) -> str:
    """A member's name as a settle-up description quotes it: two names of up to 500
    characters would not fit the 500 a description may have."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _transfer_text(t: Transfer) -> str:
    amount = domain.format_amount(t.minor, t.currency, grouping=False)
    return f"{t.payer} pays {t.payee} {amount} {t.currency}"
