"""Add or edit an expense, with a live preview of everyone's share.

The preview is the domain's own build of the transaction (`Ledger.preview_expense`,
pure CPU, no database), so what it shows is exactly what would be recorded: it is built
with the form's idempotency key, fixed when the form opens, which also seeds who gets
an odd cent, and saving uses that key. Recording runs in a worker: pressing Enter
twice, or retrying after a locked database, can never record the expense twice.

The bill's currency is a field (the group's by default; what the domain refuses is said
at the field) and the preview is in it. The itemised mode swaps the per-member values
for a receipt editor (`widgets.receipt_editor`: lines, who shares each, tax and tip).
The form scrolls so that the focused field and its error line are both in view, at
80×24 with ten members too.

Editing opens the bill as it was entered (`Ledger.expense_definition`, read in a
worker): its currency, split mode, payers, participants' values or receipt. The form
shows what the edit changes as it is typed (the services' own comparison), and saving
passes `edit_expense` only the fields that differ, so what the form cannot show is kept.

A save that waits for another terminal's lock says so after half a second, and Escape
cancels it (nothing is saved; `jobs.run_write`). Escape on a form with changes asks
before throwing them away.

Some 430 lines: the form's state and its live preview, which every field feeds; the
layout is in `expense_layout.py`, parsing in `expense_fields.py`, edits in
`expense_edits.py`, the receipt in `widgets/receipt_editor.py`.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import DescendantFocus
from textual.widgets import Button, Checkbox, Header, Input, Label, Select, Static

from splitledger.domain import Posting, Transaction, visible
from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.views import EditOutcome, ExpenseDefinition, FieldChange, TxView
from splitledger.tui.expense_edits import EditPlan, edit_note, edit_plan, from_definition
from splitledger.tui.expense_fields import (
    ERROR_SLOTS,
    MODE_HINTS,
    SEVERAL,
    VALUE_PLACEHOLDERS,
    FormInput,
    MemberRow,
    blank_form,
    error_slot,
    field_problems,
    form_currency,
    remaining,
    to_fields,
)
from splitledger.tui.expense_items import receipt_line
from splitledger.tui.expense_layout import (
    FORM_CSS,
    HELP,
    NUMBER_INPUTS,
    form_body,
    share_texts,
    slot_of,
    summary_text,
)
from splitledger.tui.jobs import WriteJob, run_db, run_write
from splitledger.tui.safe import clip, plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer
from splitledger.tui.widgets.receipt_editor import MemberToggles, ReceiptEditor


class ExpenseFormScreen(LedgerScreen):
    """A new expense, or (with `editing`) a new version of an existing one."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = FORM_CSS

    LIVE = False  # never reload under the user's fingers
    HELP_TEXT = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("q", "guard_quit", show=False),  # a stray q must not throw the form away
    ]

    def __init__(self, editing: TxView | None = None) -> None:
        super().__init__()
        self.editing = editing
        self.key = f"tui:{uuid.uuid4()}"
        self.saving = False
        #: The save in flight (Escape cancels it while it waits for the lock).
        self._write: WriteJob | None = None
        self.preview: Transaction | None = None
        #: The new version an edit recorded (the detail screen that opened it follows).
        self.edited_to: int | None = None
        self._members: list[str] = []
        #: Editing: the bill as it was entered (read when the form opens), the form as
        #: it opened (None while reading), and what saving would do now.
        self.definition: ExpenseDefinition | None = None
        self._start: FormInput | None = None
        self.plan: EditPlan | None = None
        self._current: tuple[Posting, ...] = ()
        if editing is not None:
            self._current = tuple(Posting(p.member, p.currency, p.minor) for p in editing.postings)

    @property
    def receipt(self) -> ReceiptEditor:
        """The itemised mode's receipt editor."""
        return self.query_one(ReceiptEditor)

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        group = self.group
        if self.editing is not None and self._start is None:  # reading its definition
            yield Header()
            with VerticalScroll(id="expense-form"):
                yield Static(Content.styled(f"Edit expense #{self.editing.id}", "b"))
                yield Static(f"Reading expense #{self.editing.id}…", id="loading")
            yield Footer()
            return
        if self._start is None:
            self._start = blank_form(group.members, group.currency, self.sl_app.today())
        start = self._start
        self._members = [r.name for r in start.rows]
        title = (
            Content.styled(f"Edit expense #{self.editing.id}", "b")
            if self.editing
            else Content.assemble(("New expense in ", "b"), plain(group.name, "b"))
        )
        yield Header()
        with VerticalScroll(id="expense-form"):
            yield from form_body(start, title, self._note(), group.currency)
        yield Footer()

    def on_mount(self) -> None:
        editing = self.editing
        if editing is None:
            self._ready()
            return
        run_db(
            self,
            lambda ledger: ledger.expense_definition(editing.id),
            self._loaded,
            failed=self._not_loaded,
            description="read expense definition",
        )

    async def _loaded(self, definition: ExpenseDefinition) -> None:
        """The bill as it was entered: the form opens on it."""
        self.definition = definition
        self._start = from_definition(definition, self.group.members)
        await self.recompose()
        self._ready()

    def _not_loaded(self, error: ServiceError) -> None:
        """The bill cannot be read (deleted meanwhile, say): say so; Escape leaves."""
        self.query_one("#loading", Static).update(plain(f"Cannot edit it: {error}", lines=True))
        self.sl_app.show_error(error)

    def _ready(self) -> None:
        """The form is there: show the split, the preview, and remember what it held
        (Escape asks before throwing changes away)."""
        self._apply_mode_and_payer()
        self._update_preview()
        self._untouched = self.form_input()
        self.query_one("#description", Input).focus()

    def _note(self) -> Content:
        """What to know about the expense being edited (`edit_note`)."""
        if self.definition is None or self._start is None:
            return Content("")
        return plain(edit_note(self.definition, self._start), lines=True)

    # -- reading the form ----------------------------------------------------------

    def form_input(self) -> FormInput:
        def text(selector: str) -> str:
            return self.query_one(selector, Input).value

        payer = self.query_one("#payer", Select).value
        mode = self.query_one("#mode", Select).value
        receipt = self.query_one(ReceiptEditor)
        return FormInput(
            description=text("#description"),
            amount=text("#amount"),
            date=text("#date"),
            category=text("#category"),
            payer=str(payer),
            mode=str(mode),
            rows=tuple(
                MemberRow(
                    name=name,
                    included=self.query_one(f"#in-{i}", Checkbox).value,
                    paid=text(f"#paid-{i}"),
                    value=text(f"#value-{i}"),
                )
                for i, name in enumerate(self._members)
            ),
            currency=text("#currency"),
            items=receipt.items(),
            tax=receipt.tax,
            tip=receipt.tip,
            note=text("#note"),
        )

    # -- live preview --------------------------------------------------------------

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(MemberToggles.Changed)
    @on(ReceiptEditor.Changed)
    def _changed(self) -> None:
        if self._start is not None:
            self._update_preview()

    @on(Select.Changed)
    def _select_changed(self) -> None:
        if self._start is not None:
            self._apply_mode_and_payer()
            self._update_preview()

    def _apply_mode_and_payer(self) -> None:
        mode = str(self.query_one("#mode", Select).value)
        several = self.query_one("#payer", Select).value == SEVERAL
        itemised = mode == "itemised"
        valued = mode not in {"equal", "itemised"}
        self.query_one("#mode-hint", Static).update(MODE_HINTS.get(mode, ""))
        self.query_one(ReceiptEditor).display = itemised
        # Itemised: who shares is ticked per line; the rows show who paid and shares.
        self.query_one(".member-head .member-name", Label).update(
            "Member" if itemised else "Who shares"
        )
        for i in range(len(self._members)):
            value = self.query_one(f"#value-{i}", Input)
            value.display = valued
            value.placeholder = VALUE_PLACEHOLDERS.get(mode, "")
            self.query_one(f"#paid-{i}", Input).display = several
            self.query_one(f"#in-{i}", Checkbox).display = not itemised
        for label in self.query(".member-row .member-label"):
            label.display = itemised
        for label in self.query(".member-head .member-value"):
            label.display = valued
        for label in self.query(".member-head .member-paid"):
            label.display = several

    def _set_error(self, slot: str, message: str) -> None:
        """Show `message` (plain: it may quote what was typed) on `slot`'s error line."""
        error = self.query_one(f"#{slot}-error", Static)
        error.update(plain(message, lines=True))
        error.display = bool(message)

    def _update_preview(self) -> None:
        """Rebuild the preview from the form (pure CPU; no database)."""
        form = self.form_input()
        default = self.definition.currency if self.definition else self.group.currency
        currency = form_currency(form, default)
        # Numbers the domain cannot read, each at its field, whatever else is missing.
        problems = field_problems(form, currency)
        shown: dict[str, str] = {}
        for problem in problems:
            shown.setdefault(problem.slot, problem.message)
        invalid = {p.input_id for p in problems}
        receipt = self.query_one(ReceiptEditor)
        receipt.mark_invalid(invalid)
        for number in self.query(NUMBER_INPUTS).results(Input):
            if not number.has_class("item-amount"):
                number.set_class(number.id in invalid, "-invalid")
        if form.mode == "itemised":
            receipt.show_total(receipt_line(form.amount, form.items, form.tax, form.tip, currency))
        self.preview = self.plan = None
        notes = remaining(form, currency)
        fresh = not form.description.strip() and not form.amount.strip()
        ledger = self.sl_app.ledger
        postings: tuple[Posting, ...] = ()
        try:
            if self.definition is not None and self._start is not None:
                self.plan = edit_plan(self.definition, self._start, form)
                fields = self.plan.preview
            else:
                fields = to_fields(form)
            if ledger is None:
                raise InvalidInput("the ledger is not open", field=None)
            # The form's key, as saving uses it: the odd cent lands where it will.
            self.preview = ledger.preview_expense(self.group, **fields, key=self.key)
            postings = self.preview.postings
            if self.plan is not None:  # an edit of text or date only keeps the postings
                postings = self.plan.postings(postings, self._current)
        except InvalidInput as exc:
            if not fresh:
                shown.setdefault(error_slot(exc.field), str(exc))
        for slot in ERROR_SLOTS:
            self._set_error(slot, shown.get(slot, ""))
        built = None if self.preview is None else postings
        for i, text in enumerate(share_texts(built, self._members, currency)):
            self.query_one(f"#share-{i}", Static).update(text)
        self._show_changes()
        unchanged = self.plan is not None and self.plan.unchanged
        self.query_one("#summary", Static).update(
            summary_text(built, currency, unchanged=unchanged, fresh=fresh, notes=notes)
        )
        self.query_one("#save", Button).disabled = self.preview is None
        self.call_after_refresh(self._reveal)

    # -- scrolling -----------------------------------------------------------------

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.call_after_refresh(self._reveal)

    def _reveal(self) -> None:
        """Scroll the form so that the focused field and, when it shows one, its error
        line are in view (the error lies below the field: shown first, then the field,
        which moves only if both cannot fit)."""
        focused = self.focused
        if self._start is None or focused is None or not self.is_current:
            return
        scroll = self.query_one("#expense-form", VerticalScroll)
        slot = slot_of(focused)
        if slot is not None:
            error = self.query_one(f"#{slot}-error", Static)
            if error.display:
                scroll.scroll_to_widget(error, animate=False, immediate=True)
        scroll.scroll_to_widget(focused, animate=False, immediate=True)

    def _show_changes(self) -> None:
        """An edit's live diff: each field that will change, old → new (plain text)."""
        box = self.query_one("#changes", Static)
        plan = self.plan
        changes: tuple[FieldChange, ...] = ()
        if plan is not None and self.preview is not None:
            changes = plan.diff(self.preview.postings, self._current, self._members)
        box.display = bool(changes)
        lines = [f"{c.field}: {c.old or '—'} → {c.new or '—'}" for c in changes]
        box.update(Content.assemble(("Will change:\n", "b"), plain("\n".join(lines), lines=True)))

    # -- saving --------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_guard_quit(self) -> None:
        self.notify("Escape leaves the form first (ctrl+q quits at once).", severity="warning")

    def action_cancel(self) -> None:
        """Escape: cancel a save that waits; else leave, asking first if anything was
        typed."""
        from splitledger.tui.screens.confirm import ConfirmScreen

        if self._write is not None and self._write.stop():
            self.notify("Cancelling the save…")
            return
        if self._start is None or self.form_input() == getattr(self, "_untouched", None):
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        what = "your changes to this expense" if self.editing else "this expense"
        self.app.push_screen(
            ConfirmScreen(f"Discard {what}? Nothing is saved.", yes="Discard", no="Keep"),
            answered,
        )

    def action_save(self) -> None:
        if self.saving or self._start is None:
            return  # the first press is on its way (the key would dedupe it anyway)
        self._update_preview()
        if self.preview is None:
            self.notify("Fix the highlighted field first.", severity="warning")
            return
        key, group, plan = self.key, self.group.name, self.plan
        self.saving = True
        if plan is not None:  # only what changed; an edit that changes nothing records nothing
            changed, tx_id = plan.changed, plan.old.tx_id

            def edit(ledger: Ledger) -> EditOutcome:
                return ledger.edit_expense(tx_id, **changed, key=key)

            self._write = run_write(
                self, edit, self._edited, failed=self._failed, description="edit expense"
            )
            return
        fields = to_fields(self.form_input())

        def record(ledger: Ledger) -> TxView:
            return ledger.record_expense(group=group, **fields, key=key)

        self._write = run_write(
            self, record, self._saved, failed=self._failed, description="record expense"
        )

    def _saved(self, tx: TxView) -> None:
        self.saving, self._write = False, None
        self.notify(f"Recorded: {clip(tx.description)} (#{tx.id}).", markup=False)
        self.app.pop_screen()

    def _edited(self, outcome: EditOutcome) -> None:
        self.saving, self._write = False, None
        self.edited_to = None if outcome.tx is None else outcome.tx.id
        if outcome.tx is None:
            self.notify("Nothing changed; nothing recorded.")
        else:
            what = "; ".join(f"{c.field}: {c.old} → {c.new}" for c in outcome.changes)
            text = f"Edited #{outcome.tx.replaces_id} (now #{outcome.tx.id})"
            self.notify(visible(f"{text}: {what}" if what else f"{text}."), markup=False)
        self.app.pop_screen()

    def _failed(self, error: ServiceError) -> None:
        self.saving, self._write = False, None
        if isinstance(error, Cancelled):
            self.notify("Not saved: cancelled while another terminal was writing.")
            return
        if isinstance(error, InvalidInput):
            self._set_error(error_slot(error.field), str(error))
        self.sl_app.show_error(error)
