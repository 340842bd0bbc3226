"""Settling a group in one currency, as one use case (issue 15): convert every other
currency into it at the day's rates, plan the fewest transfers, and (if asked) record
them, in one database transaction under one idempotency key. Both faces call it; a dry
run answers with what would be recorded and records nothing (the app's preview).

Keys: the conversions are keyed `KEY:convert:CODE` (as `convert` keys them), the
payments `KEY:pay:N`; a repeat of the same request answers with what the first
recorded and records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from splitledger.domain import Transfer
from splitledger.services import inputs, views
from splitledger.services.currencies import CurrencyCases
from splitledger.services.idempotency import Idempotent, new_key
from splitledger.services.inputs import validate
from splitledger.services.settling import SettleCases, SettlePlan, payment_requests, plan_of
from splitledger.store import repository
from splitledger.store.unit import Unit


@dataclass(frozen=True, slots=True)
class SettledIn:
    """What settling in `currency` recorded (or, on a dry run, would record): the
    conversions, the plan made after them, and the payments (with `record`)."""

    group: str
    currency: str
    conversions: tuple[views.TxView, ...]
    plan: SettlePlan
    payments: tuple[views.TxView, ...]
    committed: bool


class SettleInCases(SettleCases, CurrencyCases):
    """Settle in one currency."""

    def settle_in(
        self,
        group: str,
        currency: str,
        *,
        record: bool = False,
        date: dt.date | None = None,
        key: str | None = None,
        dry_run: bool = False,
    ) -> SettledIn:
        """Convert the balances of `group` in other currencies into `currency` at the
        rates of `date` (today), plan the fewest transfers in `currency`, and with
        `record` record them as one settlement: all in one transaction. `dry_run`:
        everything is done and checked, then rolled back."""
        req = validate(
            inputs.SettleIn, group=group, currency=currency, record=record, date=date, key=key
        )
        base = req.key or new_key()
        once = Idempotent.of("settle.in", req, None if dry_run else base)

        def work(unit: Unit) -> SettledIn:
            row = self._group(unit, req.group, lock=True)

            def replay(_: int) -> SettledIn:
                converted = repository.with_key_prefix(unit, f"{base}:convert:")
                paid = repository.with_key_prefix(unit, f"{base}:pay:")
                payments = tuple(self._tx_views(unit, paid))
                if req.record:  # the plan recorded, as its payments say
                    plan = SettlePlan(row.name, tuple(map(_transfer, payments)), ())
                else:
                    plan = plan_of(row.name, repository.balances(unit, row.id))
                converts = tuple(self._tx_views(unit, converted))
                return SettledIn(row.name, req.currency, converts, plan, payments, True)

            def write() -> tuple[SettledIn, int | None]:
                foreign = {c for _, c, minor in repository.balances(unit, row.id) if minor} - {
                    req.currency
                }
                conversions: list[views.TxView] = []
                if foreign:
                    convert = validate(
                        inputs.Convert, group=row.name, to=req.currency, date=req.date
                    )
                    conversions = self._convert_locked(unit, row, convert, f"{base}:convert")
                plan = plan_of(row.name, repository.balances(unit, row.id))
                payments: list[views.TxView] = []
                if req.record and plan.transfers:
                    requests = payment_requests(
                        row.name, plan.transfers, lambda i: f"{base}:pay:{i}", req.date
                    )
                    tickets = [Idempotent.of("tx.payment", r, r.key) for r in requests]
                    seen = [None] * len(requests)
                    payments = self._record_transfers_locked(
                        unit, row, requests, tickets, seen, base
                    )
                done = SettledIn(
                    row.name,
                    req.currency,
                    tuple(conversions),
                    plan,
                    tuple(payments),
                    not dry_run,
                )
                first = [v.id for v in (*conversions, *payments)]
                return done, (first[0] if first else None)

            return once.run(unit, replay=replay, write=write)

        return self._write("settle in one currency", work, dry_run=dry_run)


def _transfer(payment: views.TxView) -> Transfer:
    """The transfer a recorded settle-up payment made (payer posts +, payee -)."""
    payer = next(p for p in payment.postings if p.minor > 0)
    payee = next(p for p in payment.postings if p.minor < 0)
    return Transfer(payer.member, payee.member, payer.currency, payer.minor)
