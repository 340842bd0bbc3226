"""A new recurring bill: the expense form in "repeat" mode.

The bill is typed in the expense form itself (payers, split, currency, category, the
note each occurrence carries, its live preview of the shares), its date is the first
date counted, and a rule panel (`recurring_rule`) says how it repeats, in words and with
its first dates as it is typed. The preview is the first bill's as it will be recorded:
built under that bill's `share_key` (which seeds who takes an odd cent), not under the
form's key; when later bills put the odd cent elsewhere, the panel says so. Saving adds
the schedule through `RecurringCases.add_schedule` under the form's idempotency key
(Enter twice adds it once); nothing is recorded then: the occurrences already due are
recorded from the recurring screen (`r`) or the offer at start, once each.
"""

from __future__ import annotations

from contextlib import suppress
from itertools import islice
from typing import TYPE_CHECKING

from textual.widgets import Input, Label, Select, Static

from splitledger.domain import recurrence
from splitledger.domain.limits import DATE_MAX
from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.services.recurring_views import share_key
from splitledger.tui.expense_fields import parse_date, to_fields
from splitledger.tui.jobs import run_write
from splitledger.tui.recurring_rule import (
    RULE_CSS,
    SHOWN_DATES,
    RuleInput,
    RulePanel,
    rule_of,
    rule_words,
    schedule_fields,
)
from splitledger.tui.safe import clip, plain
from splitledger.tui.screens.expense_form import ExpenseFormScreen

if TYPE_CHECKING:
    import datetime as dt

    from splitledger.domain.recurrence import Rule
    from splitledger.services.ledger import Ledger
    from splitledger.services.recurring import ScheduleView

#: The services' fields of the rule (their errors share one line, `#rule-error`).
_RULE_FIELDS = frozenset({"every", "interval", "day_of_month", "until", "count", "from"})
#: The rule panel's inputs by the field their errors name (marked while refused).
_RULE_INPUTS = {
    "interval": "#interval",
    "day_of_month": "#day-of-month",
    "until": "#until",
    "count": "#count",
}


class RecurringFormScreen(ExpenseFormScreen):
    """The expense form with a rule: saving adds a recurring bill."""

    DEFAULT_CSS = RULE_CSS  # (besides the expense form's own)
    HELP_TEXT = (
        "A bill that repeats: type it as an expense (its date is the first one), then "
        "how it repeats: every day, week, month or year, every N of them (Interval, "
        "from 1 to 1000; left empty: 1), on a day of "
        "the month (31: the last day in shorter months, and 31 again the month after; "
        "or 'last'), until a date or a number of times (or never). The panel says the "
        "rule in words and its first dates. ctrl+s adds it; nothing is recorded until "
        "its dates come: the recurring screen's r (or the offer at start) records the "
        "due ones, each once. "
    ) + ExpenseFormScreen.HELP_TEXT

    def __init__(self) -> None:
        super().__init__()
        #: The add's idempotency key, fixed as the form opens. (`key`, which the
        #: expense form previews under, becomes the first bill's `share_key`.)
        self.add_key = f"tui-recurring:{self.key.removeprefix('tui:')}"
        #: The rule as typed, read by the last look (None: it cannot be read).
        self.rule: Rule | None = None
        #: The field the rule's error names, if it names one of the panel's.
        self._rule_field: str | None = None
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
        self._update_preview()  # the first date may move with the rule (day of month)

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

    def _first_date(self) -> dt.date:
        """The date of the first bill the schedule will record: the rule's first (a day
        of the month may put it after From), else From, else today."""
        if self._panel:
            with suppress(InvalidInput):
                rule = self._read_rule()
                return recurrence.first_after(rule, None) or rule.starts
        try:
            return parse_date(self.query_one("#date", Input).value)
        except InvalidInput:
            return self.sl_app.today()

    def _update_preview(self) -> None:
        """The expense form's preview (every field change comes here), of the first
        bill exactly as it will be recorded: under its `share_key`, which seeds who
        takes an odd cent, not under the form's key. Then the rule panel."""
        description = self.query_one("#description", Input).value
        self.key = share_key(self.group.id, description, self._first_date())
        super()._update_preview()
        self._show_rule()

    def _show_rule(self) -> None:
        if not self._panel:
            return  # (the panel is not mounted yet)
        text = self.query_one("#rule-text", Static)
        try:
            self.rule = self._read_rule()
        except InvalidInput as exc:
            self.rule = None
            self._rule_problem(exc)
            text.update("")
            return
        self._rule_problem(None)
        words = rule_words(self.rule, self.sl_app.today()) + self._odd_cents(self.rule)
        text.update(plain(words, lines=True))

    def _rule_problem(self, error: InvalidInput | None) -> None:
        """Say `error` on the panel's error line and mark the field it names (what was
        typed stays); None clears both."""
        line = self.query_one("#rule-error", Static)
        line.update(plain("" if error is None else str(error), lines=True))
        line.display = error is not None
        self._rule_field = None if error is None else _RULE_INPUTS.get(error.field or "")
        for selector in _RULE_INPUTS.values():
            self.query_one(selector, Input).set_class(selector == self._rule_field, "-invalid")

    def _odd_cents(self, rule: Rule) -> str:
        """A line when the bills of the next dates split otherwise than the preview
        (the first bill's): the odd cent moves from bill to bill (ADR 0003)."""
        ledger = self.sl_app.ledger
        if self.preview is None or ledger is None:
            return ""
        dates = list(islice(recurrence.occurrences(rule, through=DATE_MAX), SHOWN_DATES))
        description = self.query_one("#description", Input).value
        try:
            fields = to_fields(self.form_input())
            for date in dates[1:]:
                key = share_key(self.group.id, description, date)
                later = ledger.preview_expense(self.group, **fields, key=key)
                if later.postings != self.preview.postings:
                    return (
                        f"\nThe shares above are the first bill's ({dates[0].isoformat()}); "
                        "later bills may put the odd cent on someone else."
                    )
        except InvalidInput:
            pass
        return ""

    # -- saving ----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving or self._start is None:
            return
        self._update_preview()  # (and the rule)
        if self.preview is None:
            self.notify("Fix the highlighted field first.", severity="warning")
            return
        if self.rule is None:
            self.notify("Fix the rule first.", severity="warning")
            self.query_one(self._rule_field or "#every").focus()
            return
        fields = schedule_fields(to_fields(self.form_input()), self.rule)
        key, group = self.add_key, self.group.name
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
            self._rule_problem(error)
            self.sl_app.show_error(error)
            return
        if isinstance(error, Cancelled):
            self.saving, self._write = False, None
            self.notify("Not saved: cancelled while another terminal was writing.")
            return
        self._failed(error)
