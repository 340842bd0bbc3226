"""A new recurring bill: the expense form in "repeat" mode.

The bill is typed in the expense form itself (payers, split, currency, category, the
note each occurrence carries, its live preview of each occurrence's shares), its date is
the first date counted, and a rule panel (`recurring_rule`) says how it repeats, in
words and with its first dates as it is typed. Saving adds the schedule through
`RecurringCases.add_schedule` under the form's idempotency key (Enter twice adds it
once); nothing is recorded then: the occurrences already due are recorded from the
recurring screen (`r`) or the offer at start, once each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Input, Label, Select, Static

from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.tui.expense_fields import parse_date, to_fields
from splitledger.tui.jobs import run_write
from splitledger.tui.recurring_rule import (
    RULE_CSS,
    RuleInput,
    RulePanel,
    rule_of,
    rule_words,
    schedule_fields,
)
from splitledger.tui.safe import clip, plain
from splitledger.tui.screens.expense_form import ExpenseFormScreen

if TYPE_CHECKING:
    from splitledger.domain.recurrence import Rule
    from splitledger.services.ledger import Ledger
    from splitledger.services.recurring import ScheduleView

#: The services' fields of the rule (their errors share one line, `#rule-error`).
_RULE_FIELDS = frozenset({"every", "interval", "day_of_month", "until", "count", "from"})


class RecurringFormScreen(ExpenseFormScreen):
    """The expense form with a rule: saving adds a recurring bill."""

    DEFAULT_CSS = RULE_CSS  # (besides the expense form's own)
    HELP_TEXT = (
        "A bill that repeats: type it as an expense (its date is the first one), then "
        "how it repeats: every day, week, month or year, every N of them, on a day of "
        "the month (31: the last day in shorter months, and 31 again the month after; "
        "or 'last'), until a date or a number of times (or never). The panel says the "
        "rule in words and its first dates. ctrl+s adds it; nothing is recorded until "
        "its dates come: the recurring screen's r (or the offer at start) records the "
        "due ones, each once. "
    ) + ExpenseFormScreen.HELP_TEXT

    def __init__(self) -> None:
        super().__init__()
        self.key = f"tui-recurring:{self.key.removeprefix('tui:')}"
        #: The rule as typed, read by the last look (None: it cannot be read).
        self.rule: Rule | None = None
        #: The rule panel is mounted (just after the form).
        self._panel = False

    def on_mount(self) -> None:
        title = self.query_one(".screen-title", Static)
        title.update(plain(f"New recurring bill in {self.group.name}", "b"))
        for label in self.query(".form-label-short").results(Label):
            if str(label.render()) == "Date":
                label.update("From")
        super().on_mount()
        self.call_later(self._mount_rule_panel)

    async def _mount_rule_panel(self) -> None:
        body = self.query_one("#expense-form")
        await body.mount(RulePanel(RuleInput()), after="#note-error")
        self._panel = True
        self._show_rule()

    # -- the rule --------------------------------------------------------------------

    def rule_input(self) -> RuleInput:
        def text(selector: str) -> str:
            return self.query_one(selector, Input).value

        return RuleInput(
            every=str(self.query_one("#every", Select).value),
            interval=text("#interval"),
            day_of_month=text("#day-of-month"),
            until=text("#until"),
            count=text("#count"),
        )

    def _read_rule(self) -> Rule:
        """The rule typed, from the form's date; `InvalidInput` naming the field."""
        try:
            starts = parse_date(self.query_one("#date", Input).value)
        except InvalidInput as exc:
            message = str(exc).removeprefix("date: ")
            raise InvalidInput(f"from: {message}", field="from") from None
        return rule_of(self.rule_input(), starts)

    def _show_rule(self) -> None:
        if not self._panel:
            return  # (the panel is not mounted yet)
        error = self.query_one("#rule-error", Static)
        text = self.query_one("#rule-text", Static)
        try:
            self.rule = self._read_rule()
        except InvalidInput as exc:
            self.rule = None
            error.update(plain(str(exc), lines=True))
            error.display = True
            text.update("")
            return
        error.update("")
        error.display = False
        text.update(plain(rule_words(self.rule, self.sl_app.today()), lines=True))

    @on(Input.Changed)
    @on(Select.Changed)
    def _rule_changed(self) -> None:
        self._show_rule()

    # -- saving ----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving or self._start is None:
            return
        self._update_preview()
        self._show_rule()
        if self.preview is None:
            self.notify("Fix the highlighted field first.", severity="warning")
            return
        if self.rule is None:
            self.notify("Fix the rule first.", severity="warning")
            self.query_one("#every").focus()
            return
        fields = schedule_fields(to_fields(self.form_input()), self.rule)
        key, group = self.key, self.group.name
        self.saving = True

        def add(ledger: Ledger) -> ScheduleView:
            return ledger.add_schedule(group, key=key, **fields)

        self._write = run_write(
            self, add, self._added, failed=self._not_added, description="add recurring bill"
        )

    def _added(self, view: ScheduleView) -> None:
        self.saving, self._write = False, None
        due = f"; {view.due} due now: r records them" if view.due else ""
        self.notify(
            f"Added recurring bill #{view.id}: {clip(view.description)}{due}.", markup=False
        )
        self.app.pop_screen()

    def _not_added(self, error: ServiceError) -> None:
        if isinstance(error, InvalidInput) and (error.field or "") in _RULE_FIELDS:
            self.saving, self._write = False, None
            line = self.query_one("#rule-error", Static)
            line.update(plain(str(error), lines=True))
            line.display = True
            self.sl_app.show_error(error)
            return
        if isinstance(error, Cancelled):
            self.saving, self._write = False, None
            self.notify("Not saved: cancelled while another terminal was writing.")
            return
        self._failed(error)
