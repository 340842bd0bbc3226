"""Record a payment by hand: from, to, amount, currency, date, a description and a note.

Opened empty (from the balances) or prefilled from a settle-up plan line, every field
editable, so a partial payment is the plan line with a smaller amount. The form's
idempotency key is fixed when it opens: Enter twice, or a retry after a locked
database, records the payment once (`Ledger.record_payment`). A save that waits for
another terminal's lock says so, and Escape cancels it (`jobs.run_write`).

Every change checks the form again, as the expense form does: each field's error line
says what is wrong with it now (never what was wrong before it was corrected), and the
preview describes the payment only once it is one that can be recorded, built as
recording builds it (`Ledger.preview_payment`, pure CPU). Escape on a form with changes
asks before throwing them away."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, Select, Static

from splitledger.domain import (
    DomainError,
    format_amount,
    normalize_currency,
    parse_amount,
)
from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.tui.field_errors import show_field_error
from splitledger.tui.formatting import money
from splitledger.tui.jobs import WriteJob, run_write
from splitledger.tui.note_field import note_row
from splitledger.tui.safe import VisibleHighlighter, clip, plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.domain import Transaction, Transfer
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


class Check(NamedTuple):
    """The form checked: the payment it would record (None while it cannot), what is
    wrong (error-line slot → message, in the form's order) and what is still empty."""

    payment: Transaction | None
    problems: dict[str, str]
    missing: tuple[str, ...]


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
        #: Whether a save was tried: from then on, empty fields are errors too.
        self._tried = False
        #: The errors shown (slot → message, in the form's order).
        self._shown: dict[str, str] = {}
        #: The form as it opened (Escape asks before throwing changes away).
        self._untouched: tuple[object, ...] | None = None

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
        self._refresh()
        self._untouched = self._values()
        first = "#amount" if self.prefill is not None else "#payer"
        self.query_one(first).focus()

    # -- reading the form ----------------------------------------------------------

    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _member(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return value if isinstance(value, str) else None

    def _values(self) -> tuple[object, ...]:
        """Everything typed or picked, to tell whether the form was changed."""
        selects = tuple(self.query_one(f"#{n}", Select).value for n in ("payer", "payee"))
        return selects + tuple(self.query_one(f"#{n}", Input).value for n in FIELDS[2:])

    def check(self) -> Check:
        """What the form would record, checked field by field (so that each error is
        at its field, several at once), then as a whole as `Ledger.record_payment`
        checks and builds it; pure CPU, no database."""
        problems: dict[str, str] = {}
        missing: list[str] = []
        payer, payee = self._member("payer"), self._member("payee")
        amount, typed_currency = self._text("amount"), self._text("currency")
        if payer is None:
            missing.append("who paid")
        if payee is None:
            missing.append("who received it")
        elif payee == payer:
            problems["payee"] = "To: a member cannot pay themselves; pick who received it."
        code: str | None = None
        try:
            code = normalize_currency(typed_currency or self._group.currency)
        except DomainError as exc:
            problems["currency"] = str(exc)
        if not amount:
            missing.append("the amount")
        elif code is not None:
            try:
                parse_amount(amount, code)
            except DomainError as exc:
                problems["amount"] = str(exc)
        day: dt.date | None = None
        try:
            day = parse_day(self._text("date"))
        except InvalidInput as exc:
            problems["date"] = str(exc)
        payment: Transaction | None = None
        ledger = self.sl_app.ledger
        if payer and payee and code and day and amount and not problems and ledger:
            try:  # what saving records, built by the same code (`Ledger.preview_payment`)
                payment = ledger.preview_payment(
                    self._group,
                    payer=payer,
                    payee=payee,
                    amount=amount,
                    currency=code,
                    date=day,
                    description=self._text("description"),
                    note=self._text("note"),
                    key=self.key,
                )
            except InvalidInput as exc:
                problems[field_slot(exc.field)] = str(exc)
        ordered = {slot: problems[slot] for slot in (*FIELDS, "form") if slot in problems}
        return Check(payment, ordered, tuple(missing))

    def _refresh(self) -> Check:
        """Check the form again: every error line says what is wrong now (after a save
        was tried, what is empty too), and the preview describes the payment only if
        it can be recorded."""
        checked = self.check()
        shown = dict(checked.problems)
        if self._tried:
            if self._member("payer") is None:
                shown.setdefault("payer", "From: pick who paid.")
            if self._member("payee") is None:
                shown.setdefault("payee", "To: pick who received the money.")
            if not self._text("amount"):
                shown.setdefault("amount", "Amount: type how much was paid.")
        self._shown = {slot: shown[slot] for slot in (*FIELDS, "form") if slot in shown}
        for slot in (*FIELDS, "form"):
            line = self.query_one(f"#{slot}-error", Static)
            line.update(plain(shown.get(slot, ""), lines=True))
            line.display = slot in shown
        self.query_one("#payment-summary", Static).update(self._summary(checked))
        return checked

    def _summary(self, checked: Check) -> Content:
        """The sentence the form would record, or what keeps it from being recorded."""
        tx = checked.payment
        if tx is not None:
            paid, received = tx.postings  # (the payer's, then the payee's)
            return Content.assemble(
                "Records: ",
                plain(paid.account, "b"),
                " paid ",
                plain(received.account, "b"),
                " ",
                (money(paid.minor, paid.currency), "b"),
                f" on {tx.date.isoformat()}.",
            )
        if checked.problems:
            return Content.assemble(
                ("Cannot record this yet: ", "b"), plain(next(iter(checked.problems.values())))
            )
        return Content.styled(f"Still to fill in: {', '.join(checked.missing)}.", "dim")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.is_mounted:
            self._refresh()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.is_mounted:
            self._refresh()

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

    def show_error(self, slot: str, message: str) -> None:
        """`message` under `slot`, which gets the focus if it is a field."""
        show_field_error(self, slot, message, focus=slot in FIELDS)

    # -- recording -----------------------------------------------------------------

    def action_stay(self) -> None:
        """A stray q: the form stays (Escape cancels it)."""

    def action_cancel(self) -> None:
        """Escape: cancel a save that waits; else leave, asking first if anything was
        typed or picked."""
        from splitledger.tui.screens.confirm import ConfirmScreen

        if self._write is not None and self._write.stop():
            self.notify("Cancelling…")
            return
        if self._values() == self._untouched:
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmScreen("Discard this payment? Nothing is saved.", yes="Discard", no="Keep"),
            answered,
        )

    def action_save(self) -> None:
        if self._write is not None:
            return  # the first press is on its way (the key would dedupe it anyway)
        self._tried = True
        checked = self._refresh()
        if checked.payment is None:  # the first error gets the focus, in view
            slot, message = next(iter(self._shown.items()), ("form", "Fill in the form."))
            self.show_error(slot, message)
            return
        paid, received = checked.payment.postings  # (the payer's, then the payee's)
        payer, payee, day = paid.account, received.account, checked.payment.date
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
