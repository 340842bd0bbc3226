"""The pydantic models of the services' requests: what each write accepts, checked at
the boundary (ADR 0013). Faces and services name them through `services.inputs`, which
loads this module (and pydantic) only when a model is asked for, so that reads never
pay for it.

Amounts stay as the user's text here: they are parsed exactly by the domain once the
group (and so the currency) is known. Every write request may carry an idempotency key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from splitledger.domain.currency import normalize_currency
from splitledger.domain.errors import DomainError
from splitledger.domain.limits import MAX_ID, check_date
from splitledger.domain.text import TextError, clean_text, name_key
from splitledger.services.inputs import MAX_NAME, SplitMode


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
#: An idempotency key: text under the input policy too (it is exported, and a key with
#: a control character would come back from a journal changed, no longer matching).
Key = Annotated[str, _text("key", 180)]
Description = Annotated[str, _text("description", 500)]
Category = Annotated[str, _text("category", 100, required=False)]
Note = Annotated[str, _text("description", 500, required=False)]
#: A transaction's note: free text beside the description, under the same policy.
TxNote = Annotated[str, _text("note", 2000, required=False)]
LedgerDate = Annotated[dt.date, AfterValidator(check_date)]


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

    #: Fields added after requests were first stored: left out of the fingerprint while
    #: at their default, so that a request made before they existed keeps its
    #: fingerprint (a retry of it is still a repeat, not a conflict).
    _added_later: ClassVar[frozenset[str]] = frozenset()

    def fingerprint(self, operation: str) -> str:
        """What an idempotency key commits to: the operation and the payload (sans key)."""
        fields = type(self).model_fields
        unset = {n for n in self._added_later if getattr(self, n) == fields[n].default}
        body = self.model_dump_json(exclude={"key", *unset})
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
    key: Key | None = None


class RenameMember(Request):
    group: Name
    old: Name
    new: NewName
    key: Key | None = None


class RemoveMember(Request):
    group: Name
    name: Name
    key: Key | None = None


AmountText = Annotated[str, StringConstraints(min_length=1, max_length=40)]
ItemText = Annotated[str, _text("item", 200)]
#: An itemised receipt's line: description, amount as typed, who shares it (equally).
ItemLine = tuple[ItemText, AmountText, Annotated[tuple[Name, ...], Field(min_length=1)]]


def _lines_for_itemised(items: tuple[object, ...], info: ValidationInfo) -> tuple[object, ...]:
    """Items belong to an itemised split, which takes them instead of participants."""
    if info.data.get("split") == "itemised":
        if info.data.get("participants"):
            raise ValueError("an itemised split takes items, not participants")
        if not items:
            raise ValueError("an itemised split needs at least one item")
    elif items:
        raise ValueError("items are for an itemised split (split itemised)")
    return items


def _extra_for_itemised(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None and info.data.get("split") != "itemised":
        raise ValueError("tax and tip are for an itemised split (split itemised)")
    return value


class RecordExpense(Request):
    _added_later = frozenset({"items", "tax", "tip", "note"})

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
    items: tuple[ItemLine, ...] = Field(default=(), validate_default=True)
    tax: AmountText | None = None
    tip: AmountText | None = None
    note: TxNote = ""

    _check_currency = field_validator("currency")(_currency)
    _check_items = field_validator("items")(_lines_for_itemised)
    _check_extras = field_validator("tax", "tip")(_extra_for_itemised)


class RecordPayment(Request):
    _added_later = frozenset({"note"})

    group: Name
    payer: Name
    payee: Name
    amount: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    currency: str | None = None
    date: LedgerDate | None = None
    description: Note = ""
    key: Key | None = None
    note: TxNote = ""

    _check_currency = field_validator("currency")(_currency)


class Reverse(Request):
    tx_id: int = Field(gt=0, le=MAX_ID)
    date: LedgerDate | None = None
    key: Key | None = None


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


class SettleIn(Request):
    """Settle a group in one currency: convert the others into it, plan, and (with
    `record`) record the plan, as one write."""

    group: Name
    currency: str
    record: bool = False
    date: LedgerDate | None = None
    key: Key | None = None

    _check_currency = field_validator("currency")(_currency)


Payers = Annotated[tuple[tuple[Name, str | None], ...], Field(min_length=1)]


class EditExpense(Request):
    """A change to an expense: each field given replaces the current version's, the
    rest is kept (None keeps; empty participants mean every member, as when recording;
    an empty note clears it)."""

    _added_later = frozenset({"items", "tax", "tip", "note"})

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
    items: tuple[ItemLine, ...] | None = None
    tax: AmountText | None = None
    tip: AmountText | None = None
    note: TxNote | None = None

    _check_currency = field_validator("currency")(_currency)


class Undo(Request):
    tx_id: int = Field(gt=0, le=MAX_ID)
    key: Key | None = None


class ClosePeriod(Request):
    """Close `group` through `through` (ADR 0018)."""

    group: Name
    through: LedgerDate
    key: Key | None = None


class ArchiveGroup(Request):
    """Archive (`archived`) or unarchive group `name`."""

    name: Name
    archived: bool
    key: Key | None = None
