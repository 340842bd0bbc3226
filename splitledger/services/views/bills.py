"""A bill's story: its definition (how it was split), its versions and field-level
changes, an edit's outcome, and a transaction's audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitledger.services.inputs import ExpenseFields, SplitMode

from splitledger.services.views.reading import TxView


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what, when, with the request's payload."""

    at: dt.datetime
    actor: str
    action: str
    payload: str


@dataclass(frozen=True, slots=True)
class TxDetail:
    """A transaction and its audit trail."""

    tx: TxView
    audit: tuple[AuditEntry, ...]


@dataclass(frozen=True, slots=True)
class Receipt:
    """An itemised bill's lines, normalised: (description, amount, who shares it
    equally), and its tax and tip, spread in proportion to each member's lines."""

    items: tuple[tuple[str, str, tuple[str, ...]], ...]
    tax: str = "0"
    tip: str = "0"


@dataclass(frozen=True, slots=True)
class ExpenseDefinition:
    """How an expense's bill was split: what the user asked for, normalised (amounts in
    major units without grouping, percentages and weights as plain decimals). A payer's
    amount of None pays the rest (a lone payer pays it all); a participant's value of
    None takes an equal share. `derived`: the expense predates stored definitions (or
    was imported), so this was read off its postings as exact shares."""

    tx_id: int
    group: str
    description: str
    amount: str
    currency: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: SplitMode
    participants: tuple[tuple[str, str | None], ...]
    date: dt.date
    category: str
    derived: bool = False
    #: The lines, tax and tip of an itemised split (None for the other modes).
    receipt: Receipt | None = None
    #: Free text beside the description ('' when none).
    note: str = ""

    def as_fields(self) -> ExpenseFields:
        """The fields of `record_expense` / `preview_expense` that rebuild this bill
        (without group and key)."""
        if self.receipt is not None:
            return {
                "description": self.description,
                "amount": self.amount,
                "currency": self.currency,
                "paid_by": self.paid_by,
                "split": self.split,
                "date": self.date,
                "category": self.category,
                "items": self.receipt.items,
                "tax": self.receipt.tax,
                "tip": self.receipt.tip,
                "note": self.note,
            }
        return {
            "description": self.description,
            "amount": self.amount,
            "currency": self.currency,
            "paid_by": self.paid_by,
            "split": self.split,
            "participants": self.participants,
            "date": self.date,
            "category": self.category,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a bill as it was and as it became, as plain text ("15.00 USD",
    "ann 10.00, bob pays the rest", "ann 40.00, bob 40.00")."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """An edit: the new version (None when nothing changed, and nothing was recorded)
    and what changed."""

    tx: TxView | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class BillVersion:
    """One version of a bill. `kind`: recorded, imported, edited, undone (an edit
    undone), deleted (`definition` None, `tx_id` the reversal) or restored (a
    deletion undone). `changes`: from the previous version."""

    tx_id: int
    kind: str
    definition: ExpenseDefinition | None
    actor: str
    at: dt.datetime
    changes: tuple[FieldChange, ...] = ()
