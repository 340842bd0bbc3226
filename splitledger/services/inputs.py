"""Requests accepted by the services, validated with pydantic at this boundary.

Amounts stay as the user's text here: they are parsed exactly by the domain once the
group (and so the currency) is known. Every write request may carry an idempotency key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from splitledger.domain import DomainError, Transaction, normalize_currency

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^\S")
]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=180)]
SplitMode = Literal["equal", "exact", "percent", "shares", "adjust"]
SPLIT_MODES: tuple[SplitMode, ...] = ("equal", "exact", "percent", "shares", "adjust")


def _currency(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_currency(value)
    except DomainError as exc:
        raise ValueError(str(exc)) from None


def _no_control(value: str) -> str:
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("must not contain control characters")
    if value.lower().startswith("exchange:"):
        raise ValueError("names starting with 'exchange:' are reserved for exchange accounts")
    return value


class Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def fingerprint(self, operation: str) -> str:
        """What an idempotency key commits to: the operation and the payload (sans key)."""
        body = self.model_dump_json(exclude={"key"})
        return hashlib.sha256(f"{operation}:{body}".encode()).hexdigest()


def _unique_names(value: tuple[str, ...]) -> tuple[str, ...]:
    dupes = sorted({n for n in value if value.count(n) > 1})
    if dupes:
        raise ValueError(f"listed twice: {', '.join(dupes)}")
    return value


#: A name being given to a group or member (references to existing ones use `Name`).
NewName = Annotated[Name, AfterValidator(_no_control)]
NewNames = Annotated[tuple[NewName, ...], AfterValidator(_unique_names)]


class CreateGroup(Request):
    name: NewName
    currency: str
    members: NewNames = ()
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


class AddMembers(Request):
    group: Name
    names: NewNames = Field(min_length=1)
    key: Key | None = None


class RenameGroup(Request):
    old: Name
    new: NewName


class RenameMember(Request):
    group: Name
    old: Name
    new: NewName


class RecordExpense(Request):
    group: Name
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    currency: str | None = None
    #: (member, amount text or None). One payer without an amount pays the rest.
    paid_by: tuple[tuple[Name, str | None], ...] = Field(min_length=1)
    split: SplitMode = "equal"
    #: (member, value text or None); empty means every member of the group.
    participants: tuple[tuple[Name, str | None], ...] = ()
    date: dt.date | None = None
    category: Annotated[str, StringConstraints(max_length=100)] = ""
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


class RecordPayment(Request):
    group: Name
    payer: Name
    payee: Name
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    currency: str | None = None
    date: dt.date | None = None
    description: Annotated[str, StringConstraints(max_length=500)] = ""
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


class Reverse(Request):
    tx_id: int = Field(gt=0)
    date: dt.date | None = None
    key: Key | None = None


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One transaction to import. Links to earlier transactions go by idempotency key,
    because ids differ between databases: the import resolves them to local ids."""

    tx: Transaction
    reverses_key: str | None = None
    replaces_key: str | None = None


class AddRate(Request):
    group: Name
    base: str
    quote: str
    rate: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    date: dt.date | None = None
    key: Key | None = None

    _check_base = field_validator("base")(_currency)
    _check_quote = field_validator("quote")(_currency)


class Convert(Request):
    group: Name
    to: str | None = None
    member: Name | None = None
    date: dt.date | None = None
    key: Key | None = None

    _check_to = field_validator("to")(_currency)
