"""Record a payment by hand: from, to, amount, currency, date, a description and a note.

Opened empty (from the balances) or prefilled from a settle-up plan line, every field
editable, so a partial payment is the plan line with a smaller amount. The form's
idempotency key is fixed when it opens: Enter twice, or a retry after a locked
database, records the payment once (`Ledger.record_payment`). A save that waits for
another terminal's lock says so, and Escape cancels it (`jobs.run_write`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, Select, Static

from splitledger.domain import format_amount
from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.tui.field_errors import clear_field_errors, show_field_error
from splitledger.tui.formatting import money
from splitledger.tui.jobs import WriteJob, run_write
from splitledger.tui.note_field import note_row
from splitledger.tui.safe import VisibleHighlighter, clip, plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.domain import Transfer
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView, TxView

#: The form's fields, in order; each has an input `#NAME` and an error line `#NAME-error`.
FIELDS = ("payer", "payee", "amount", "currency", "date", "description", "note")
#: What the services call a field → the form's field it belongs to.
_SLOTS = {"from": "payer", "to": "payee"}


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date typed in a form; `InvalidInput` on the date field if it is not."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"date: {clip(text, 20)!r} is not a date (use YYYY-MM-DD)", field="date"
        ) from None


def field_slot(field: str | None) -> str:
    """The form field whose error line shows an error about the services' `field`."""
    field = _SLOTS.get(field or "", field)
    return field if field in FIELDS else "form"


class PaymentScreen(LedgerScreen):
    """Record that one member paid another (all of a plan line, part of it, or any
    payment at all) in the group it was opened for."""

    DEFAULT_CSS = """
    #payment-form {
        padding: 0 1;
    }
    #payment-form .form-row {
        height: 1;
        margin-top: 1;
        padding: 0 1;
    }
    #payment-form .field-error {
        padding: 0 1;
    }
    #payment-form .form-label {
        width: 12;
    }
    #payer, #payee {
        width: 40;
    }
    #amount {
        width: 16;
    }
    #payment-form .form-label-short {
        width: 11;
        padding-left: 2;
    }
    #currency {
        width: 6;
    }
    #date {
        width: 12;
    }
    #description, #note {
        width: 1fr;
    }
    #payment-summary, #payment-origin {
        margin-top: 1;
        padding: 0 1;
        height: auto;
    }
    #form-error {
        margin-top: 1;
    }
    """

    LIVE = False  # never reload under the user's fingers
    HELP_TEXT = (
        "Record that one member paid another: pick who paid (From) and who received it "
        "(To), type the amount, its currency, the date, an optional description (default: "
        "'FROM paid TO') and an optional note (history search: note:word). Opened from a "
        "settle-up line (e there), the form holds that transfer: lower the amount for a "
        "partial payment. ctrl+s (or Enter on the note) records it once; Escape cancels."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Record", priority=True),
        Binding("q", "stay", show=False),  # a stray q must not throw the form away
    ]

    def __init__(self, group: GroupView, prefill: Transfer | None = None) -> None:
        super().__init__()
        self._group = group
        self.prefill = prefill
        self.key = f"tui-payment:{uuid.uuid4()}"
        #: The save in flight (Escape cancels it while it waits for the lock).
        self._write: WriteJob | None = None

    @property
    def group(self) -> GroupView:
        """The group the form was opened for."""
        return self._group

    def compose(self) -> ComposeResult:
        group, t = self._group, self.prefill
        members = [(plain(m), m) for m in group.members]
        shown = VisibleHighlighter()
        yield Header()
        with VerticalScroll(id="payment-form"):
            yield Static(
                Content.assemble(("Record a payment in ", "b"), plain(group.name, "b")),
                classes="screen-title",
            )
            if t is not None:
                yield Static(
                    Content.assemble(
                        "From the plan: ",
                        plain(t.payer),
                        " pays ",
                        plain(t.payee),
                        f" {money(t.minor, t.currency)}. Lower the amount for a partial payment.",
                    ),
                    id="payment-origin",
                    classes="hint",
                )
            with Horizontal(classes="form-row"):
                yield Label("From", classes="form-label")
                yield Select(
                    members,
                    prompt="who paid",
                    value=t.payer if t else Select.NULL,
                    id="payer",
                    compact=True,
                )
            yield Static(id="payer-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("To", classes="form-label")
                yield Select(
                    members,
                    prompt="who received it",
                    value=t.payee if t else Select.NULL,
                    id="payee",
                    compact=True,
                )
            yield Static(id="payee-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Amount", classes="form-label")
                amount = format_amount(t.minor, t.currency) if t else ""
                yield Input(amount, placeholder="0.00", id="amount", compact=True, max_length=40)
                yield Label("Currency", classes="form-label-short")
                currency = t.currency if t else group.currency
                yield Input(currency, id="currency", compact=True, max_length=3)
            yield Static(id="amount-error", classes="field-error")
            yield Static(id="currency-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Date", classes="form-label")
                today = self.sl_app.today().isoformat()
                yield Input(today, id="date", compact=True, max_length=10)
            yield Static(id="date-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Description", classes="form-label")
                yield Input(
                    placeholder="optional: cash, bank transfer…",
                    id="description",
                    compact=True,
                    max_length=500,
                    highlighter=shown,
                )
            yield Static(id="description-error", classes="field-error")
            yield from note_row()
            yield Static(id="form-error", classes="field-error")
            yield Static(id="payment-summary")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._summarise()
        first = "#amount" if self.prefill is not None else "#payer"
        self.query_one(first).focus()

    # -- reading the form ----------------------------------------------------------

    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _member(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return value if isinstance(value, str) else None

    def _summarise(self) -> None:
        """The sentence the form would record, as typed (checked when recording)."""
        payer, payee = self._member("payer"), self._member("payee")
        amount, currency = self._text("amount"), self._text("currency").upper()
        if not (payer and payee and amount):
            line = Content.styled("Pick who paid, who received it, and the amount.", "dim")
        else:
            line = Content.assemble(
                "Records: ",
                plain(payer, "b"),
                " paid ",
                plain(payee, "b"),
                " ",
                plain(f"{amount} {currency}", "b"),
                " on ",
                plain(self._text("date")),
                ".",
            )
        self.query_one("#payment-summary", Static).update(line)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._summarise()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._summarise()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "note":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    # -- errors --------------------------------------------------------------------

    def _clear_errors(self) -> None:
        clear_field_errors(self)

    def show_error(self, slot: str, message: str) -> None:
        """`message` under `slot`, which gets the focus if it is a field."""
        show_field_error(self, slot, message, focus=slot in FIELDS)

    # -- recording -----------------------------------------------------------------

    def action_stay(self) -> None:
        """A stray q: the form stays (Escape cancels it)."""

    def action_cancel(self) -> None:
        if self._write is not None and self._write.stop():
            self.notify("Cancelling…")
            return
        self.app.pop_screen()

    def action_save(self) -> None:
        if self._write is not None:
            return  # the first press is on its way (the key would dedupe it anyway)
        self._clear_errors()
        payer, payee = self._member("payer"), self._member("payee")
        if payer is None:
            self.show_error("payer", "From: pick who paid.")
            return
        if payee is None:
            self.show_error("payee", "To: pick who received the money.")
            return
        try:
            day = parse_day(self._text("date"))
        except InvalidInput as exc:
            self.show_error("date", str(exc))
            return
        name, key = self._group.name, self.key
        amount, currency, description, note = (
            self._text("amount"),
            self._text("currency"),
            self._text("description"),
            self._text("note"),
        )

        def record(ledger: Ledger) -> TxView:
            return ledger.record_payment(
                group=name,
                payer=payer,
                payee=payee,
                amount=amount,
                currency=currency.upper() or None,
                date=day,
                description=description,
                note=note,
                key=key,
            )

        self._write = run_write(
            self,
            record,
            self._recorded,
            failed=self._failed,
            what="Recording",
            description="record payment",
        )

    def _recorded(self, tx: TxView) -> None:
        self._write = None
        paid = next((p for p in tx.postings if p.minor > 0), None)
        amount = f" {money(paid.minor, paid.currency)}" if paid else ""
        self.notify(
            f"Recorded payment #{tx.id}: {clip(self._member('payer') or '', 40)} paid "
            f"{clip(self._member('payee') or '', 40)}{amount}.",
            markup=False,
        )
        self.app.pop_screen()

    def _failed(self, error: ServiceError) -> None:
        self._write = None
        if isinstance(error, Cancelled):
            self.notify("Not recorded: cancelled while another terminal was writing.")
            return
        if isinstance(error, InvalidInput):
            self.show_error(field_slot(error.field), str(error))
        self.sl_app.show_error(error)
