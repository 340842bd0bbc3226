"""How the app writes money, balances and transfers: exact text from minor units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitledger.domain import format_amount, visible

if TYPE_CHECKING:
    from splitledger.domain import Transfer
    from splitledger.services.views import TxView


def money(minor: int, currency: str, *, signed: bool = False) -> str:
    """ "1,234.50 EUR"; with `signed`, positive amounts carry a "+"."""
    text = format_amount(minor, currency)
    if signed and minor > 0:
        text = f"+{text}"
    return f"{text} {currency}"


def balance_words(minor: int) -> str:
    """What a balance means, in words (> 0: the group owes the member)."""
    if minor > 0:
        return "is owed"
    if minor < 0:
        return "owes"
    return "settled"


def tx_amount(tx: TxView) -> dict[str, int]:
    """The size of a transaction per currency: the sum of its positive postings
    (what was paid for an expense, what was handed over for a payment)."""
    sums: dict[str, int] = {}
    for posting in tx.postings:
        if posting.minor > 0:
            sums[posting.currency] = sums.get(posting.currency, 0) + posting.minor
    return sums


def tx_amount_text(tx: TxView) -> str:
    return ", ".join(money(m, c) for c, m in sorted(tx_amount(tx).items()))


def transfer_text(transfer: Transfer) -> str:
    """ "Bob pays Alice 600.00 BDT" — the line people paste into a chat (names visible:
    no control character of a name stored by an older version)."""
    amount = money(transfer.minor, transfer.currency)
    return visible(f"{transfer.payer} pays {transfer.payee} {amount}")


#: How a version of a bill came to be (`BillVersion.kind`), as the app says it.
_VERSION_KINDS = {
    "recorded": "recorded",
    "imported": "imported",
    "edited": "edited",
    "undone": "edit undone",
    "deleted": "deleted",
    "restored": "restored (deletion undone)",
}


def version_kind(kind: str) -> str:
    """ "edit undone" for a version made by undoing an edit, and so on."""
    return _VERSION_KINDS.get(kind, kind)
