"""Use cases that read: a group, balances, history pages and verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from splitledger import domain
from splitledger.services import views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import InvalidInput, NotFound, Unavailable
from splitledger.store import repository
from splitledger.store.connection import ChangeWatch
from splitledger.store.errors import driver_error
from splitledger.store.records import GroupRecord
from splitledger.store.repository import GroupHead, HistoryFilter
from splitledger.store.unit import Unit


class FirstScreen(tuple[views.GroupView, views.BalancesView]):
    """The pair (group, balances), unpacked and compared as a pair, that also carries
    `token`: the group's change token, read in the same transaction (as
    `os.stat_result` carries fields beyond its tuple)."""

    token: tuple[object, ...]

    def __new__(
        cls, group: views.GroupView, balances: views.BalancesView, token: tuple[object, ...]
    ) -> FirstScreen:
        pair = super().__new__(cls, (group, balances))
        pair.token = token
        return pair

    def __reduce__(self) -> tuple[object, ...]:
        return (FirstScreen, (self[0], self[1], self.token))


class ReadingCases(LedgerCore):
    """Balances, history and verify."""

    def group(self, name: str) -> views.GroupView:
        """Group `name` (its members, currency, close and archive state)."""
        return self._read(lambda s: self._group_view(s, self._group(s, name)))

    def balances(
        self, group: str, *, on: dt.date | None = None, as_of: dt.date | None = None
    ) -> views.BalancesView:
        """Each member's balance per currency (current members show zero too), what the
        exchange accounts hold, and each member's indicative total in the group currency
        at the rates of `on` (today): an estimate, not an entry on the ledger.

        With `as_of`, the balances of every transaction dated on or before it (a
        reversal on its own date; before the group's first transaction, all zero; a
        date after the last, today's) and the indicative totals at that date's rates
        (unless `on` says otherwise): a range sum over the maintained daily totals (ADR
        0017), never a scan of the postings. `total_spent` is left empty then: what the
        bills dated by then cost is `spending_report(group, date_to=as_of).totals`,
        which reads every day's bills by category and member (~4× the rows)."""

        def work(unit: Unit) -> views.BalancesView:
            row = self._group(unit, group)
            active = set(self._group_view(unit, row).members)
            return balances_view(unit, row, active, on, as_of=as_of)

        return self._read(work)

    def first_screen(
        self, *, on: dt.date | None = None, prefer: str | None = None
    ) -> FirstScreen | None:
        """The group named `prefer` if there is one, else the first (as `groups()` lists
        them), with its balances (as `balances`) and its change token, in one read: what
        the app shows when it starts (the group it showed last), and what live refresh
        compares with (a write landing between the read and a later look at the token
        would never be shown). None if there is no group yet."""

        def work(unit: Unit) -> FirstScreen | None:
            rows = repository.list_groups(unit)
            if not rows:
                return None
            row = next((r for r in rows if r.name == prefer), rows[0])
            group = self._group_view(unit, row)
            head = repository.group_head(unit, group_id=row.id)
            if head is None:  # listed in this same read: cannot happen
                return None
            token = repository.group_token(head, self._member_rows(unit, row))
            return FirstScreen(group, balances_view(unit, row, set(group.members), on), token)

        return self._read(work)

    def watch_changes(self) -> ChangeWatch | None:
        """A dedicated connection telling, as cheaply as the backend allows, that
        something may have been committed (see `store.connection.Database.open_watch`); the caller
        closes it. None where nothing else can write (an in-memory database)."""
        try:
            return self.database.open_watch()
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None:
                raise
            raise Unavailable(f"cannot watch the ledger for changes: {orig}") from exc

    def history(
        self,
        group: str,
        *,
        limit: int = 50,
        before: tuple[dt.date, int] | None = None,
        after: tuple[dt.date, int] | None = None,
        oldest: bool = False,
        text: str | None = None,
        member: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        entries: bool = True,
        show_deleted: bool = False,
        note: str | None = None,
    ) -> list[views.TxView]:
        """A page of transactions, newest first; pass the last one's (date, id) as
        `before` for the next (older) page. From the other end: `oldest` gives the
        oldest page, and the first one's (date, id) as `after` the next newer page (the
        `limit` transactions just newer than it, still newest first). At most one of
        `before`, `after` and `oldest`; every filter applies to each. `text` matches
        descriptions and categories literally (`%` is a percent sign), `note` notes
        alike; `member` must name a member of the group
        (as `ann` or anything that reads the same), else `NotFound`.

        `entries` (the default): every ledger entry, reversals and replaced versions
        included. Else bills: each bill once, as its current version (`replaces_id`
        set: it was edited), no reversals; a deleted bill (`reversed_by` set) only with
        `show_deleted`. The filtering is in the query: pages stay whole."""
        _check_page(limit, kind)
        check_period(date_from, date_to)
        if sum((before is not None, after is not None, oldest)) > 1:
            raise InvalidInput("history: at most one of before, after and oldest", field="after")
        wanted = HistoryFilter(text, member, category, kind, date_from, date_to, note)

        def work(unit: Unit) -> list[views.TxView]:
            row = self._group(unit, group)
            flt = self._with_member(unit, row, wanted)
            rows = repository.history(
                unit,
                row.id,
                flt,
                limit=limit,
                before=before,
                after=after,
                oldest=oldest,
                entries=entries,
                show_deleted=show_deleted,
            )
            return self._tx_views(unit, rows)

        return self._read(work)

    def history_page(
        self,
        group: str,
        *,
        limit: int = 50,
        before_id: int | None = None,
        text: str | None = None,
        member: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        note: str | None = None,
    ) -> views.HistoryPage:
        """Like `history`, newest first, and whether older transactions match beyond
        the page: pass the last one's id as `before_id` for the next page (a transaction
        of the group; `NotFound` otherwise)."""
        _check_page(limit, kind)
        check_period(date_from, date_to)
        wanted = HistoryFilter(text, member, category, kind, date_from, date_to, note)

        def work(unit: Unit) -> views.HistoryPage:
            row = self._group(unit, group)
            flt = self._with_member(unit, row, wanted)
            before: tuple[dt.date, int] | None = None
            if before_id is not None:
                cursor = repository.get_transaction(unit, before_id)
                if cursor is None or cursor.group_id != row.id:
                    raise NotFound(
                        f"no such transaction #{before_id} in {row.name!r}", field="before"
                    )
                before = (cursor.date, cursor.id)
            rows = repository.history(unit, row.id, flt, limit=limit + 1, before=before)
            return views.HistoryPage(tuple(self._tx_views(unit, rows[:limit])), len(rows) > limit)

        return self._read(work)

    def _with_member(self, unit: Unit, group: GroupHead, flt: HistoryFilter) -> HistoryFilter:
        """`flt` with its member as the group knows them: called so, or by a name that
        reads the same (removed members too: their transactions stay in the history)."""
        if flt.member is None:
            return flt
        names = self._member_rows(unit, group)
        if flt.member in names:
            return flt
        key = domain.name_key(flt.member)
        for known in names:
            if domain.name_key(known) == key:
                return flt._replace(member=known)
        raise NotFound(f"no member named {flt.member!r} in {group.name!r}", field="member")

    def verify(self) -> views.VerifyReport:
        from splitledger.services.verify import run_checks

        return self._read(run_checks)


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """A period that ends before it starts is a mistake to say, not an empty answer."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput(
            f"the period ends ({date_to}) before it starts ({date_from})", field="date_to"
        )


def _check_page(limit: int, kind: str | None) -> None:
    if limit < 1 or limit > 10_000:
        raise InvalidInput("limit must be between 1 and 10000", field="limit")
    if kind is not None and kind not in {k.value for k in domain.TxKind}:
        raise InvalidInput(f"unknown kind {kind!r}", field="kind")


def balances_view(
    unit: Unit,
    row: GroupHead | GroupRecord,
    active: set[str],
    on: dt.date | None,
    *,
    as_of: dt.date | None = None,
) -> views.BalancesView:
    """`ReadingCases.balances` of the group `row`, whose current members are `active`."""
    if as_of is None:
        rows, spent = repository.balances(unit, row.id), repository.total_spent(unit, row.id)
    else:  # what was spent by then: a report's totals (it reads every day's bills)
        rows, spent = repository.balances_as_of(unit, row.id, as_of), {}
    found: dict[tuple[str, str], int] = {}
    exchange: list[views.BalanceView] = []
    for name, currency, amount in rows:
        if domain.is_exchange_account(name):
            if amount:
                exchange.append(views.BalanceView(name, currency, amount))
        elif amount or (name in active and currency == row.currency):
            # zero rows only in the group currency; removed members only if owing
            found[name, currency] = amount
    for name in active:
        found.setdefault((name, row.currency), 0)
    items = tuple(views.BalanceView(m, c, a) for (m, c), a in sorted(found.items()))
    table = domain.RateTable(rates_of(unit, row.id))
    return views.BalancesView(
        row.name,
        row.currency,
        items,
        spent,
        tuple(exchange),
        indicative_totals(items, row.currency, table, on or as_of or dt.date.today()),
    )


def rates_of(unit: Unit, group_id: int) -> list[domain.Rate]:
    return [
        domain.Rate(r.date, r.base, r.quote, Decimal(r.rate))
        for r in repository.rates(unit, group_id)
    ]


def indicative_totals(
    balances: Sequence[views.BalanceView], currency: str, table: domain.RateTable, on: dt.date
) -> dict[str, int | None]:
    """Per member, the sum of their balances converted to `currency` at the rates of
    `on`, rounded half-to-even; None where a rate is missing."""
    totals: dict[str, int | None] = {}
    for b in balances:
        so_far = totals.get(b.member, 0)
        if so_far is None:
            continue
        try:
            rate = table.lookup(b.currency, currency, on)
        except domain.RateError:
            totals[b.member] = None
            continue
        quota = domain.converted_quota(b.minor, b.currency, currency, rate)
        totals[b.member] = so_far + domain.round_half_even(quota)
    return totals
