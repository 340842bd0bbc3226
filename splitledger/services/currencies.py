"""Use cases of multi-currency groups: exchange rates and conversions on the ledger.

Conversions are transactions through one hidden exchange account per currency pair
(docs/adr/0007), so every currency keeps summing to zero and the audit log shows the rate.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from splitledger import domain
from splitledger.domain import DomainError
from splitledger.services import inputs, logs, views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import InvalidInput, NotFound
from splitledger.services.idempotency import Idempotent, new_key
from splitledger.services.inputs import validate
from splitledger.services.reading import rates_of
from splitledger.store import repository
from splitledger.store.repository import GroupHead
from splitledger.store.unit import Unit


class CurrencyCases(LedgerCore):
    """Record and list exchange rates; convert balances into another currency."""

    def add_rate(
        self,
        group: str,
        base: str,
        quote: str,
        rate: str,
        *,
        date: dt.date | None = None,
        key: str | None = None,
    ) -> views.RateView:
        """From `date` (today) on, 1 `base` = `rate` `quote` in `group`."""
        req = validate(
            inputs.AddRate, group=group, base=base, quote=quote, rate=rate, date=date, key=key
        )
        try:
            value = domain.Rate(
                req.date or dt.date.today(), req.base, req.quote, domain.parse_rate(req.rate)
            )
        except DomainError as exc:
            raise InvalidInput(str(exc), field=exc.field or "rate") from None

        def work(unit: Unit) -> views.RateView:
            row = self._group(unit, req.group, lock=True)
            self._add_rate_locked(unit, row, value, "")
            return views.RateView(
                row.name, value.date, value.base, value.quote, format(value.rate.normalize(), "f")
            )

        return self._write("add rate", work)

    def import_rates(
        self,
        group: str,
        rates: Sequence[domain.Rate],
        *,
        source: str,
        rows: Sequence[int] | None = None,
    ) -> tuple[int, int]:
        """Record many rates atomically; returns (added, already there). `rows`: the
        file's row of each rate, for the message naming one the ledger refuses (else
        its position)."""
        where = list(rows) if rows is not None else list(range(1, len(rates) + 1))

        def work(unit: Unit) -> tuple[int, int]:
            row = self._group(unit, group, lock=True)
            added = 0
            for number, rate in zip(where, rates, strict=True):
                added += self._add_rate_locked(unit, row, rate, f"{source}, row {number}: ")
            logs.event("rate.import", group=row.name, source=source, added=added)
            return added, len(rates) - added

        return self._write("import rates", work)

    def import_rates_file(self, group: str, path: str) -> tuple[int, int]:
        """Record the rates of the CSV file at `path` (header date,base,quote,rate; UTF-8,
        a BOM allowed), all or none; returns (added, already there). `InvalidInput`
        (field "file") names what is wrong with the file, with its row."""
        from splitledger.interop.rates_csv import RatesFileError, parse_rates_csv_rows

        try:
            with open(os.path.expanduser(path), encoding="utf-8-sig") as stream:
                text = stream.read()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InvalidInput(f"file: cannot read {path}: {reason}", field="file") from None
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"file: {path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02X} at "
                f"offset {exc.start})",
                field="file",
            ) from None
        try:
            found = parse_rates_csv_rows(text, source=path)
        except RatesFileError as exc:
            raise InvalidInput(str(exc), field="file") from None
        rates = [rate for _, rate in found]
        return self.import_rates(group, rates, source=path, rows=[n for n, _ in found])

    def rates(self, group: str) -> list[views.RateView]:
        def work(unit: Unit) -> list[views.RateView]:
            row = self._group(unit, group)
            return [
                views.RateView(row.name, r.date, r.base, r.quote, format(r.rate.normalize(), "f"))
                for r in rates_of(unit, row.id)
            ]

        return self._read(work)

    def convert(
        self,
        group: str,
        *,
        to: str | None = None,
        member: str | None = None,
        date: dt.date | None = None,
        key: str | None = None,
    ) -> list[views.TxView]:
        """Convert balances in other currencies into `to` (the group currency) at the
        rates of `date` (today): one member's, or everyone's. Converting everyone also
        shares out the exchange difference left by earlier partial conversions."""
        req = validate(inputs.Convert, group=group, to=to, member=member, date=date, key=key)
        base_key = req.key or new_key()
        once = Idempotent.of("tx.convert", req, base_key)

        def work(unit: Unit) -> list[views.TxView]:
            row = self._group(unit, req.group, lock=True)

            def replay(_: int) -> list[views.TxView]:
                rows = repository.with_key_prefix(unit, f"{base_key}:")
                return self._tx_views(unit, rows)

            def write() -> tuple[list[views.TxView], int]:
                done = self._convert_locked(unit, row, req, base_key)
                return done, done[0].id

            return once.run(unit, replay=replay, write=write)

        return self._write("convert", work)

    def _convert_locked(
        self, unit: Unit, row: GroupHead, req: inputs.Convert, base_key: str
    ) -> list[views.TxView]:
        """Convert as `req` asks in group `row` (locked): one conversion per currency,
        keyed `base_key:CODE`, and the exchange differences shared out."""
        target = req.to or row.currency
        day = req.date or dt.date.today()
        people = self._convertible(unit, row, req.member)
        made: list[views.TxView] = []
        currencies = sorted({c for _, c, _ in repository.balances(unit, row.id)})
        for currency in currencies:
            if currency == target:
                continue
            moving = {
                name: amount
                for name, c, amount in repository.balances(unit, row.id)
                if c == currency and name in people and amount
            }
            if not moving:
                continue
            made.append(
                self._convert_one(
                    unit, row, moving, currency, target, day, f"{base_key}:{currency}"
                )
            )
            if req.member is None:
                made.extend(
                    self._share_difference(
                        unit, row, currency, target, day, f"{base_key}:fx:{currency}"
                    )
                )
        if not made:
            who = req.member or req.group
            raise InvalidInput(
                f"{who} has no balance outside {target} to convert", field="currency"
            )
        return made

    def _convertible(self, unit: Unit, group: GroupHead, member: str | None) -> set[str]:
        rows = self._member_rows(unit, group)
        if member is None:
            return {name for name, m in rows.items() if m.kind == "member"}
        found = rows.get(member)
        if found is None or found.kind != "member":
            raise NotFound(f"{member!r} is not a member of {group.name!r}", field="member")
        return {member}

    def _convert_one(
        self,
        unit: Unit,
        group: GroupHead,
        moving: dict[str, int],
        source: str,
        target: str,
        day: dt.date,
        key: str,
    ) -> views.TxView:
        table = domain.RateTable(rates_of(unit, group.id))
        try:
            rate = table.lookup(source, target, day)
            tx = domain.build_conversion(
                moving,
                source=source,
                target=target,
                rate=rate,
                date=day,
                idempotency_key=key,
                description=f"Convert {source} to {target} at {table.quoted(source, target, day)}",
            )
        except DomainError as exc:
            raise InvalidInput(str(exc), field=exc.field or "rate") from None
        self._ensure_exchange(unit, group, domain.exchange_account(source, target))
        return self._append(unit, group, tx, action="tx.convert")

    def _share_difference(
        self,
        unit: Unit,
        group: GroupHead,
        source: str,
        target: str,
        day: dt.date,
        key: str,
    ) -> list[views.TxView]:
        """Once the exchange account holds nothing in `source`, what it holds in `target`
        (a gain or loss between conversion rates) is shared by the current members."""
        account = domain.exchange_account(source, target)
        held = {c: a for n, c, a in repository.balances(unit, group.id) if n == account}
        if held.get(source, 0) or not held.get(target, 0):
            return []
        members = self._group_view(unit, group).members
        tx = domain.build_fx_difference(
            held[target],
            currency=target,
            exchange=account,
            members=members,
            date=day,
            idempotency_key=key,
        )
        return [self._append(unit, group, tx, action="tx.convert")]
