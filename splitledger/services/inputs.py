"""What faces pass to the services, and `validate`, which checks it at this boundary.

The use cases that take many fields take them as `**fields: Unpack[...Fields]` (typed
dicts below): mypy checks each call site, and the request model checks the values (ADR
0013). The models themselves (pydantic) live in `services.request_models`; their names
resolve here on first use (PEP 562), so that importing this module for a typed dict,
the split modes or `validate` costs no pydantic: only a write that validates pays for
it, and only for its own model (`defer_build`). `validate` turns pydantic's errors into
one plain-words `InvalidInput`, so that every face shows the same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Required, TypedDict, TypeVar

from splitledger.domain.errors import DomainError
from splitledger.lazy import lazy_attributes
from splitledger.services.errors import InvalidInput

if TYPE_CHECKING:
    from splitledger.domain.transactions import Transaction
    from splitledger.services.request_models import (
        AddMembers,
        AddRate,
        ArchiveGroup,
        ClosePeriod,
        Convert,
        CreateGroup,
        EditExpense,
        RecordExpense,
        RecordPayment,
        RemoveMember,
        RenameGroup,
        RenameMember,
        Request,
        Reverse,
        SettleIn,
        Undo,
    )

__all__ = [
    "MAX_NAME",
    "SPLIT_MODES",
    "AddMembers",
    "AddRate",
    "ArchiveGroup",
    "Assignments",
    "ClosePeriod",
    "Convert",
    "CreateGroup",
    "EditExpense",
    "ExpenseFields",
    "ImportEntry",
    "Items",
    "PaymentFields",
    "RecordExpense",
    "RecordPayment",
    "RemoveMember",
    "RenameGroup",
    "RenameMember",
    "Request",
    "Reverse",
    "SettleIn",
    "SplitMode",
    "Undo",
    "validate",
]

#: The request models, defined in `services.request_models` (which imports pydantic).
_MODELS = frozenset(
    {
        "AddMembers",
        "AddRate",
        "ArchiveGroup",
        "ClosePeriod",
        "Convert",
        "CreateGroup",
        "EditExpense",
        "RecordExpense",
        "RecordPayment",
        "RemoveMember",
        "RenameGroup",
        "RenameMember",
        "Request",
        "Reverse",
        "SettleIn",
        "Undo",
    }
)

if not TYPE_CHECKING:  # hidden from mypy, so that a misspelt name is still an error
    __getattr__, __dir__ = lazy_attributes(
        __name__, dict.fromkeys(_MODELS, "request_models"), prefix="splitledger.services."
    )


def __dir__() -> list[str]:
    return sorted(set(globals()) | _MODELS)


#: Longest group or member name, in characters.
MAX_NAME = 100

SplitMode = Literal["equal", "exact", "percent", "shares", "adjust", "itemised"]
SPLIT_MODES: tuple[SplitMode, ...] = ("equal", "exact", "percent", "shares", "adjust", "itemised")


#: (member, amount or value as typed, or None): payers and participants as faces pass them.
Assignments = Sequence[tuple[str, str | None]]
#: An itemised receipt's lines as faces pass them: (description, amount as typed, the
#: members who share the line equally).
Items = Sequence[tuple[str, str, Sequence[str]]]


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
    #: With split "itemised" (and no participants): the receipt's lines, and its tax
    #: and tip (spread in proportion to each member's lines); the amount is their sum.
    items: Items
    tax: str | None
    tip: str | None
    #: Free text beside the description (at most 2000 characters; '' for none).
    note: str


class PaymentFields(TypedDict, total=False):
    """The keyword arguments of `record_payment` beside the group and the key:
    `RecordPayment`'s fields as a face passes them."""

    payer: Required[str]
    payee: Required[str]
    amount: Required[str]
    currency: str | None
    date: dt.date | None
    description: str
    #: Free text beside the description (at most 2000 characters; '' for none).
    note: str


class ImportEntry(NamedTuple):
    """One transaction to import. Links to earlier transactions go by idempotency key,
    because ids differ between databases: the import resolves them to local ids."""

    tx: Transaction
    reverses_key: str | None = None
    replaces_key: str | None = None


R = TypeVar("R", bound="Request")


def validate(model: type[R], **data: object) -> R:
    """Build a request, turning pydantic's errors into one plain `InvalidInput`."""
    from pydantic import ValidationError  # loaded already: `model` is a pydantic model

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
    "new": "new name",  # a rename's: "new: is 101 characters long" read as nothing
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
    if isinstance(cause, DomainError):
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
