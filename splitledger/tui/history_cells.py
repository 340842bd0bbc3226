"""The history's rows as the table shows them: date, kind, description (marked edited
or deleted), who paid, category and amount; and the columns' widths for a terminal
width (at 80 columns the description and the payers share what is left)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from splitledger.services.views import TxView
from splitledger.tui.formatting import tx_amount_text
from splitledger.tui.safe import plain_text, visible


def column_widths(width: int) -> list[int]:
    """The six columns' widths for a terminal `width`: date, kind, description, paid by,
    category, amount. From 100 columns on, kind and category widen ("conversion",
    "activities" whole). The description gets three fifths of what the others leave,
    the payers the rest (8 to 20 cells)."""
    kind, category, amount = (10, 10, 16) if width >= 100 else (8, 8, 16)
    fixed = 10 + kind + amount + 2 * 6 + 4  # date, kind, amount, the cells' padding, bar
    left = max(width - fixed - category, 24)
    payer = max(8, min(20, left * 2 // 5))
    return [10, kind, left - payer, payer, category, amount]


def cells(tx: TxView, *, entries: bool = True, payer_width: int = 20) -> tuple[str | Text, ...]:
    return (
        tx.date.isoformat(),
        tx.kind,
        describe(tx, entries=entries),
        plain_text(payers_text(tx, payer_width)),
        plain_text(tx.category),
        Text(tx_amount_text(tx), justify="right"),
    )


def payers_text(tx: TxView, width: int) -> str:
    """Who paid, in at most `width` cells (visible text): an expense's payers (its
    positive postings), "payer → payee" for a payment; for a reversal, who paid what it
    undoes (its negative postings). Names that do not fit become "first +N more"."""
    sign = -1 if tx.kind == "reversal" else 1
    paid = list(dict.fromkeys(visible(p.member) for p in tx.postings if p.minor * sign > 0))
    if tx.kind == "payment":
        payees = [visible(p.member) for p in tx.postings if p.minor < 0]
        if len(paid) == 1 and len(payees) == 1:
            half = max((width - 3) // 2, 1)
            whole = f"{paid[0]} → {payees[0]}"
            return (
                whole
                if cell_len(whole) <= width
                else f"{_cut(paid[0], half)} → {_cut(payees[0], half)}"
            )
    whole = ", ".join(paid)
    if cell_len(whole) <= width or len(paid) < 2:
        return _cut(whole, width)
    more = f" +{len(paid) - 1}"
    return _cut(paid[0], width - len(more)) + more


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, an ellipsis marking a cut."""
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def describe(tx: TxView, *, entries: bool = True) -> Text:
    """The description cell (plain, visible text), marked "edited" when it is a new
    version of a bill. A ledger entry undone by a reversal is struck through; a bill
    (not `entries`) that was deleted is struck through and marked "deleted"."""
    text = plain_text(tx.description)
    if tx.reversed_by is not None:
        text.stylize("strike dim")
    if tx.replaces_id is not None:
        text.append("  edited", style="italic dim")
    if tx.reversed_by is not None and not entries:
        text.append("  deleted", style="bold red")
    return text
