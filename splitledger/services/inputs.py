"""Requests accepted by the services, validated with pydantic at this boundary.

Amounts stay as the user's text here: they are parsed exactly by the domain once the
group (and so the currency) is known. Every write request may carry an idempotency key.
`validate` turns pydantic's errors into one plain-words `InvalidInput`, so that every
face shows the same message. The use cases that take many fields take them as
`**fields: Unpack[...Fields]` (typed dicts below): mypy checks each call site, and the
request model checks the values (ADR 0013).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Required, TypedDict, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from splitledger import domain
from splitledger.domain import (
    MAX_ID,
    DomainError,
    TextError,
    check_date,
    clean_text,
    name_key,
    normalize_currency,
)
from splitledger.services.errors import InvalidInput

if TYPE_CHECKING:
    from splitledger.domain import Transaction

#: Longest group or member name, in characters.
MAX_NAME = 100


def _text(field: str, max_length: int, *, required: bool = True) -> AfterValidator:
    """The input policy (domain.text) as a validator: NFC, trimmed, no control, bidi or
    invisible characters, bounded length."""

    def check(value: str) -> str:
        return clean_text(value, field=field, max_length=max_length, required=required)

    return AfterValidator(check)


def _reference(value: str) -> str:
    """A name that refers to a stored one: NFC like every stored name so that it finds
    it, but not refused for what the policy refuses, so that a name an older version
    stored (with a control character, say) can still be renamed, removed or paid."""
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise TextError("name: must not be empty", field="name")
    if len(text) > 10 * MAX_NAME:
        raise TextError("name: is too long to be a name", field="name")
    return text


#: A reference to an existing group or member.
Name = Annotated[str, AfterValidator(_reference)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=180)]
Description = Annotated[str, _text("description", 500)]
Category = Annotated[str, _text("category", 100, required=False)]
Note = Annotated[str, _text("description", 500, required=False)]
LedgerDate = Annotated[dt.date, AfterValidator(check_date)]
SplitMode = Literal["equal", "exact", "percent", "shares", "adjust"]
SPLIT_MODES: tuple[SplitMode, ...] = ("equal", "exact", "percent", "shares", "adjust")


def _currency(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_currency(value)
    except DomainError as exc:
        raise ValueError(str(exc)) from None


def _not_reserved(value: str) -> str:
    if value.lower().startswith("exchange:"):
        raise ValueError("names starting with 'exchange:' are reserved for exchange accounts")
    return value


class Request(BaseModel):
    # defer_build: a model's validator is built when it first validates, so importing
    # this module costs little more than pydantic and a write pays for its own model.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )

    def fingerprint(self, operation: str) -> str:
        """What an idempotency key commits to: the operation and the payload (sans key)."""
        body = self.model_dump_json(exclude={"key"})
        return hashlib.sha256(f"{operation}:{body}".encode()).hexdigest()


def _unique_names(value: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in value:
        first = seen.get(name_key(name))
        if first == name:
            raise ValueError(f"{name!r} is listed twice")
        if first is not None:
            raise ValueError(
                f"{name!r} reads the same as {first!r}; give names that look different"
            )
        seen[name_key(name)] = name
    return value


#: A name being given to a group or member (references to existing ones use `Name`).
NewName = Annotated[str, _text("name", MAX_NAME), AfterValidator(_not_reserved)]
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
    description: Description
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    currency: str | None = None
    #: (member, amount text or None). One payer without an amount pays the rest.
    paid_by: tuple[tuple[Name, str | None], ...] = Field(min_length=1)
    split: SplitMode = "equal"
    #: (member, value text or None); empty means every member of the group.
    participants: tuple[tuple[Name, str | None], ...] = ()
    date: LedgerDate | None = None
    category: Category = ""
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


class RecordPayment(Request):
    group: Name
    payer: Name
    payee: Name
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    currency: str | None = None
    date: LedgerDate | None = None
    description: Note = ""
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


#: (member, amount or value as typed, or None): payers and participants as faces pass them.
Assignments = Sequence[tuple[str, str | None]]


class ExpenseFields(TypedDict, total=False):
    """The keyword arguments of `record_expense` and `preview_expense` beside the group
    and the key: `RecordExpense`'s fields as a face passes them (a test keeps the two
    in step)."""

    description: Required[str]
    amount: Required[str]
    paid_by: Required[Assignments]
    currency: str | None
    split: str
    participants: Assignments
    date: dt.date | None
    category: str


class PaymentFields(TypedDict, total=False):
    """The keyword arguments of `record_payment` beside the group and the key:
    `RecordPayment`'s fields as a face passes them."""

    payer: Required[str]
    payee: Required[str]
    amount: Required[str]
    currency: str | None
    date: dt.date | None
    description: str


class Reverse(Request):
    tx_id: int = Field(gt=0, le=MAX_ID)
    date: LedgerDate | None = None
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
    date: LedgerDate | None = None
    key: Key | None = None

    _check_base = field_validator("base")(_currency)
    _check_quote = field_validator("quote")(_currency)


class Convert(Request):
    group: Name
    to: str | None = None
    member: Name | None = None
    date: LedgerDate | None = None
    key: Key | None = None

    _check_to = field_validator("to")(_currency)


Payers = Annotated[tuple[tuple[Name, str | None], ...], Field(min_length=1)]


class EditExpense(Request):
    """A change to an expense: each field given replaces the current version's, the
    rest is kept (None keeps; empty participants mean every member, as when recording)."""

    tx_id: int = Field(gt=0, le=MAX_ID)
    description: Description | None = None
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    currency: str | None = None
    paid_by: Payers | None = None
    split: SplitMode | None = None
    participants: tuple[tuple[Name, str | None], ...] | None = None
    date: LedgerDate | None = None
    category: Category | None = None
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


class Undo(Request):
    tx_id: int = Field(gt=0, le=MAX_ID)
    key: Key | None = None


R = TypeVar("R", bound=Request)


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
