"""The expense form's layout: its fields as widgets, its styles, its help and which
error line speaks of which field. Kept apart from the screen's behaviour
(`screens.expense_form`), which imports it when the form first opens."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from splitledger.domain import Posting, format_amount
from splitledger.tui.expense_fields import MODE_HINTS, MODES, SEVERAL, FormInput
from splitledger.tui.formatting import money
from splitledger.tui.note_field import note_row
from splitledger.tui.safe import VisibleHighlighter, plain
from splitledger.tui.widgets.receipt_editor import ReceiptEditor

#: Inputs whose value is a number (or a currency): refused inline when the domain
#: cannot read it (never filtered as typed, which turned "1e3" into 13).
NUMBER_INPUTS = "#amount, #currency, .member-paid, .member-value, .item-amount, #tax, #tip"


def slot_of(widget: Widget | None) -> str | None:
    """The error line that speaks of what `widget` holds (None: none)."""
    name = (widget.id or "") if widget is not None else ""
    if name in {"description", "amount", "currency", "date", "category", "note"}:
        return name
    if name == "payer" or name.startswith("paid-"):
        return "paid_by"
    if name == "mode" or name.startswith(("value-", "in-")):
        return "split"
    if name in {"tax", "tip", "add-line"} or name.startswith("item-"):
        return "items"
    return None


#: Shown by the `?` help screen above the list of keys.
HELP = (
    "Type a description and an amount, pick who paid and how to split. The right-hand "
    "column previews each person's share as you type (exactly what is recorded); "
    "ctrl+s (or Enter) records it once every amount adds up. Several payers: choose "
    "'Several payers' and type what each paid (type 'rest' for the one who pays the "
    "rest). The currency is the group's unless you type another (EUR, JPY…). "
    "Split 'itemised': type the receipt's lines; under each line tick who shares "
    "it (←/→ move, space ticks, a ticks everyone or no one); ctrl+n adds a line, "
    "ctrl+l removes the line you are on; tax and tip are spread in proportion to "
    "each person's lines, and lines + tax + tip must make the amount. "
    "The note is optional free text kept with the expense (history search: note:word). "
    "Editing lists what will change; saving changes only that."
)

FORM_CSS = """
#expense-form {
    padding: 0 1;
}

.form-row {
    height: 1;
    margin-top: 1;
}

.form-label {
    width: 13;
}

.form-label-short {
    width: 6;
    margin-left: 2;
}

#currency {
    width: 5;
    margin-left: 1;
}

#description {
    width: 1fr;
}

#amount {
    width: 16;
}

#date {
    width: 12;
}

#category {
    width: 30;
}

#note {
    width: 1fr;
}

#payer, #mode {
    width: 24;
}

#mode-hint {
    width: 1fr;
    margin-left: 2;
}

.member-head {
    margin-top: 1;
    color: $text-muted;
}

.member-row {
    height: 1;
}

.member-name, .member-row Checkbox {
    width: 18;
}

.member-label {
    padding-left: 4;
    display: none;
}

.member-paid {
    width: 12;
    margin-right: 1;
}

.member-value {
    width: 12;
    margin-right: 1;
}

.member-share {
    width: 1fr;
}

#form-error {
    margin-top: 1;
}

.summary {
    margin-top: 1;
    height: auto;
}

#edit-note {
    margin-top: 1;
    color: $warning;
}

#changes {
    margin-top: 1;
    height: auto;
}
"""


def _tally(postings: Sequence[Posting]) -> tuple[dict[str, int], dict[str, int]]:
    """What each member owes (their share) and paid, in minor units."""
    shares: dict[str, int] = {}
    paid: dict[str, int] = {}
    for p in postings:
        target = paid if p.minor > 0 else shares
        target[p.account] = target.get(p.account, 0) + abs(p.minor)
    return shares, paid


def share_texts(
    postings: Sequence[Posting] | None, members: Sequence[str], currency: str
) -> list[str]:
    """Each member's share column (markup of amounts only, no user text): `12.50
    (paid 50.00)`, `—` for no share, empty while nothing can be previewed."""
    if postings is None:
        return [""] * len(members)
    shares, paid = _tally(postings)
    texts = []
    for name in members:
        parts = []
        if name in shares:
            parts.append(format_amount(shares[name], currency))
        if name in paid:
            parts.append(f"[dim](paid {format_amount(paid[name], currency)})[/]")
        texts.append(" ".join(parts) or "[dim]—[/]")
    return texts


def summary_text(
    postings: Sequence[Posting] | None,
    currency: str,
    *,
    unchanged: bool,
    fresh: bool,
    notes: Sequence[str],
) -> str:
    """The line under the shares (markup; `notes` are the form's own words)."""
    if unchanged:
        return "[dim]Nothing changed yet: saving records nothing.[/]"
    if postings is not None:
        shares, paid = _tally(postings)
        total = sum(paid.values())
        return (
            f"[b $success]✓[/] {money(total, currency)} split between {len(shares)} · ready to save"
        )
    if fresh:
        return "[dim]Type a description and an amount to see the shares.[/]"
    return "[b $error]✗[/] " + ("; ".join(notes) or "fix the field above")


def form_body(start: FormInput, title: Content, note: Content, default: str) -> ComposeResult:
    """The form's widgets, filled with `start`; `default`: the group's currency."""
    members = [r.name for r in start.rows]
    shown = VisibleHighlighter()
    yield Static(title, classes="screen-title")
    yield Static(note, id="edit-note").set_styles(display="block" if note else "none")
    with Horizontal(classes="form-row"):
        yield Label("Description", classes="form-label")
        yield Input(
            start.description,
            id="description",
            compact=True,
            max_length=500,
            highlighter=shown,
        )
    yield Static(id="description-error", classes="field-error")
    with Horizontal(classes="form-row"):
        yield Label("Amount", classes="form-label")
        yield Input(start.amount, id="amount", compact=True, max_length=40)
        yield Input(
            start.currency,
            id="currency",
            placeholder=default,
            compact=True,
            max_length=3,
        )
        yield Label("Date", classes="form-label-short")
        yield Input(start.date, id="date", compact=True, max_length=10)
    yield Static(id="amount-error", classes="field-error")
    yield Static(id="currency-error", classes="field-error")
    yield Static(id="date-error", classes="field-error")
    with Horizontal(classes="form-row"):
        yield Label("Category", classes="form-label")
        yield Input(
            start.category,
            id="category",
            placeholder="food, transport…",
            compact=True,
            highlighter=shown,
        )
    yield Static(id="category-error", classes="field-error")
    yield from note_row(start.note)
    with Horizontal(classes="form-row"):
        yield Label("Paid by", classes="form-label")
        yield Select(
            [(plain(m), m) for m in members] + [("Several payers", SEVERAL)],
            value=start.payer,
            allow_blank=False,
            id="payer",
            compact=True,
        )
    yield Static(id="paid_by-error", classes="field-error")
    with Horizontal(classes="form-row"):
        yield Label("Split", classes="form-label")
        yield Select(
            [(m, m) for m in MODES],
            value=start.mode,
            allow_blank=False,
            id="mode",
            compact=True,
        )
        yield Static(MODE_HINTS[start.mode], id="mode-hint", classes="hint")
    yield ReceiptEditor(members, start.items, start.tax, start.tip, id="receipt").set_styles(
        display="none"
    )
    with Horizontal(classes="member-row member-head"):
        yield Label("Who shares", classes="member-name")
        yield Label("Paid", classes="member-paid")
        yield Label("Value", classes="member-value")
        yield Label("Share", classes="member-share")
    for index, row in enumerate(start.rows):
        with Horizontal(classes="member-row"):
            yield Checkbox(plain(row.name), row.included, id=f"in-{index}", compact=True)
            # Itemised: who shares is ticked per line; the row only names them.
            yield Label(plain(row.name), classes="member-name member-label")
            yield Input(
                row.paid,
                id=f"paid-{index}",
                classes="member-paid",
                compact=True,
                max_length=40,
            )
            yield Input(
                row.value,
                id=f"value-{index}",
                classes="member-value",
                compact=True,
                max_length=40,
            )
            yield Static(id=f"share-{index}", classes="member-share")
    yield Static(id="split-error", classes="field-error")
    yield Static(id="form-error", classes="field-error")
    yield Static(id="summary", classes="summary")
    yield Static(id="changes").set_styles(display="none")
    with Horizontal(classes="dialog-buttons"):
        yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Button("Cancel (esc)", id="cancel", compact=True)
