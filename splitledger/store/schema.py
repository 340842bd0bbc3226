"""The ledger's tables as typed SQLAlchemy 2 models.

`transactions`, `postings`, `audit_log`, `currencies` and `expense_definitions` are
append-only: database triggers (migrations 0001, 0003 and 0004) refuse UPDATE and DELETE
on them. `balances` is a
cache of posting sums kept in the same database transaction as the postings; `verify`
checks it against them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class GroupRow(Base):
    """A group; its row also holds the head of the group's hash chain, and writers lock
    it first (PostgreSQL: SELECT … FOR UPDATE) so a group's writes are serialised."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    head_seq: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    #: Set while the group is archived: read-only and left out of the default lists.
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("group_id", "name", name="uq_members_group_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the member is removed (only possible at a zero balance); their postings
    #: stay, so the row stays. Adding the name again clears it.
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: "member", or "exchange" for the hidden account of a currency pair's conversions.
    kind: Mapped[str] = mapped_column(String(16), default="member", server_default="member")


class TransactionRow(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("group_id", "seq", name="uq_transactions_group_seq"),
        Index("ix_transactions_group_date", "group_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(500), default="")
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: A transaction can be reversed once: the unique index makes a second reversal fail.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"), unique=True)
    #: An edit is a reversal plus a new version that names the original here.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: Free text beside the description; in the chain hash only when not empty.
    note: Mapped[str] = mapped_column(String(2000), default="", server_default="")


class PostingRow(Base):
    __tablename__ = "postings"
    #: One index for both lookups (a transaction's postings; whether it touches a member):
    #: an index led by member_id cost ~3 pages a commit (docs/adr/0009).
    __table_args__ = (Index("ix_postings_transaction_member", "transaction_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)


class BalanceRow(Base):
    """Maintained per member and currency in the same DB transaction as the postings."""

    __tablename__ = "balances"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class SpendingRow(Base):
    """Per group and currency, what was paid for expenses not reversed; maintained with
    the postings so the balances screen's "total spent" costs O(currencies)."""

    __tablename__ = "spending"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class RateRow(Base):
    """A dated exchange rate of a group: from `date` on, 1 `base` = `rate` `quote`.
    `rate` is the exact decimal text the user gave (never a float)."""

    __tablename__ = "rates"
    __table_args__ = (UniqueConstraint("group_id", "date", "base", "quote", name="uq_rates_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))


class CurrencyRow(Base):
    """A currency's exponent (decimal places), fixed when the ledger first used it:
    every amount in that currency is stored at that scale (ADR 0002). Append-only."""

    __tablename__ = "currencies"
    __table_args__ = (
        PrimaryKeyConstraint("code", name="pk_currencies"),
        CheckConstraint("exponent BETWEEN 0 AND 8", name="ck_currencies_exponent"),
    )

    code: Mapped[str] = mapped_column(String(3))
    exponent: Mapped[int] = mapped_column(Integer)
    pinned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RequestRow(Base):
    """Idempotency: one row per write request key, with the fingerprint of its payload."""

    __tablename__ = "requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(40))
    result_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    group_id: Mapped[int | None] = mapped_column(Integer)
    #: A transaction's audit trail is looked up by it.
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)


class ExpenseDefinitionRow(Base):
    """How an expense's bill was split (the user's request, canonical), as compact JSON:
    written with the expense, never changed (ADR 0011). Expenses recorded before
    revision 0004, and imported ones, have none: their definition is derived from the
    postings."""

    __tablename__ = "expense_definitions"
    __table_args__ = (
        PrimaryKeyConstraint("transaction_id", name="pk_expense_definitions"),
        ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"], name="fk_expense_definitions_transaction_id"
        ),
    )

    transaction_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    body: Mapped[str] = mapped_column(Text)


class PeriodCloseRow(Base):
    """A group's dates through `through` are closed from `closed_at` on: nothing dated
    then can be recorded, edited or deleted. Append-only; the latest close is in force."""

    __tablename__ = "period_closes"
    __table_args__ = (
        UniqueConstraint("group_id", "through", name="uq_period_closes_group_through"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    through: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))


class BalanceDayRow(Base):
    """The sum of a day's postings per member and currency (by the transaction's date),
    maintained with the postings: a balance as of a date is one range sum (ADR 0017)."""

    __tablename__ = "balance_days"
    __table_args__ = (
        PrimaryKeyConstraint("group_id", "day", "member_id", "currency", name="pk_balance_days"),
    )

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)


class SpendingDayRow(Base):
    """What expenses paid and consumed per day, category, member and currency, a reversal
    taking its expense back on the expense's day: the reports' source (ADR 0017)."""

    __tablename__ = "spending_days"
    __table_args__ = (
        PrimaryKeyConstraint(
            "group_id", "day", "category", "member_id", "currency", name="pk_spending_days"
        ),
    )

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(500))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    currency: Mapped[str] = mapped_column(String(3))
    paid: Mapped[int] = mapped_column(BigInteger)
    consumed: Mapped[int] = mapped_column(BigInteger)


class RecurringScheduleRow(Base):
    """A recurring bill (ADR 0016): its bill as an expense definition's JSON (members by
    id), its rule, and its state. Configuration, not history: pausing and ending update
    the row (the audit log keeps each change); its occurrences are ordinary expenses
    keyed `recurring:<id>:<date>`. An edit ends a schedule and adds a successor naming
    it in `replaces_id`."""

    __tablename__ = "recurring_schedules"
    __table_args__ = (
        CheckConstraint("step BETWEEN 1 AND 1000", name="ck_recurring_interval"),
        CheckConstraint("times IS NULL OR times BETWEEN 1 AND 10000", name="ck_recurring_count"),
        CheckConstraint("until IS NULL OR times IS NULL", name="ck_recurring_one_end"),
        Index("ix_recurring_schedules_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    description: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(500), default="")
    bill: Mapped[str] = mapped_column(Text)
    every: Mapped[str] = mapped_column(String(8))
    #: Every `step` periods (1-1000).
    step: Mapped[int] = mapped_column(Integer)
    #: 1-31, -1 for the month's last day, or None (the start's day).
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    starts: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    #: How many dates it falls on (the RFC 5545 COUNT), or None.
    times: Mapped[int | None] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    #: JSON [[first day, last day or null], ...].
    pauses: Mapped[str] = mapped_column(Text, default="[]")
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("recurring_schedules.id"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
