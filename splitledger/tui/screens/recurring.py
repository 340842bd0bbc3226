"""The recurring bills of a group (ADR 0016): each schedule's bill, its rule in words,
its next date and its state; keys to add one (the expense form in repeat mode), pause
or resume, end, and record the bills that are due now.

Everything shown is `RecurringCases.schedules` as `splitledger recurring list` prints
it; every change goes through the services in a write worker (`jobs.run_write`).
Recording the due bills is `run_recurring` for the group: each occurrence is recorded
once (its key is `recurring:<schedule>:<date>`) however often it is asked, and never one
dated after today. An archived group's write keys say why they do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from splitledger.tui.jobs import run_db, run_write
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import clip, plain, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.table_fit import fill_last_column
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.errors import ServiceError
    from splitledger.services.ledger import Ledger
    from splitledger.services.recurring import RunReport, ScheduleView
    from splitledger.services.views import GroupView

#: The fixed columns' widths: id, amount, next date, state (the bill takes the rest).
_WIDTHS = (4, 14, 10, 13)


def state_text(view: ScheduleView) -> str:
    """`active`, `active, 2 due`, `paused`, `ended`…"""
    return f"{view.status}, {view.due} due" if view.due else view.status


def bill_text(view: ScheduleView, width: int) -> Text:
    """The bill's description (at most two lines of the column `width` wide) and, under
    it, its rule in words (plain; the table wraps it)."""
    text = Text(clip(view.description, 2 * width), style="bold", end="")
    text.append("\n")
    text.append(visible(view.rule), style="dim")
    if view.pauses and view.status == "paused":
        text.append(f"\npaused since {view.pauses[-1][0].isoformat()}", style="dim")
    return text


#: How much of a note the detail line shows (a note may be 2000 characters).
NOTE_SHOWN = 300


def detail_text(view: ScheduleView) -> Content:
    """The highlighted bill: who pays, how it is split, what is recorded, and the note
    each of its bills carries (plain text)."""
    payers = ", ".join(n if v is None else f"{n} {v}" for n, v in view.paid_by)
    shared = ", ".join(n if v is None else f"{n} {v}" for n, v in view.participants)
    recorded = f"{view.recorded} recorded"
    if view.last_recorded is not None:
        recorded += f" (last {view.last_recorded.isoformat()})"
    return Content.assemble(
        (f"#{view.id} ", "b"),
        plain(view.description, "b"),
        " · paid by ",
        plain(payers or "—"),
        f" · {view.split} split between ",
        plain(shared or "everyone"),
        f" · {recorded}",
        f" · ends {view.ends_on.isoformat()}" if view.ends_on else "",
        " · note: " if view.note else "",
        plain(clip(view.note, NOTE_SHOWN)) if view.note else "",
    )


class RecurringScreen(LedgerScreen):
    """The recurring bills of the group it was opened for."""

    DEFAULT_CSS = """
    #recurring-body {
        padding: 0 1;
    }
    #schedules {
        height: auto;
        max-height: 75%;
        margin-top: 1;
    }
    #schedule-detail {
        height: auto;
        margin-top: 1;
    }
    """

    HELP_TEXT = (
        "The group's recurring bills (as splitledger recurring list): each bill and its "
        "rule in words, how much, the next date it falls on and its state (with how many "
        "are due: dated today or earlier, not recorded yet). a adds one (the expense form, "
        "with how it repeats); r records every due bill now, each once (never one dated "
        "later); p pauses the highlighted bill from today (what falls while paused is "
        "skipped), or resumes it; x ends it today (what is recorded stays). Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("a", "add", "Add"),
        Binding("r", "record_due", "Record due"),
        Binding("p", "pause", "Pause/resume"),
        Binding("x", "end", "End"),
    ]

    def __init__(self, group: GroupView) -> None:
        super().__init__()
        self._group = group
        self.schedules: list[ScheduleView] = []
        self._bill_column = ColumnKey("bill")
        self._width = 40
        #: A write in flight (a second key waits for it).
        self._busy = False

    @property
    def group(self) -> GroupView:
        """The group the screen was opened for (as the app knows it now)."""
        current = self.sl_app.group
        return current if current is not None and current.id == self._group.id else self._group

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recurring-body"):
            yield Static(
                Content.assemble(("Recurring bills of ", "b"), plain(self._group.name, "b")),
                classes="screen-title",
            )
            yield Static("Reading the recurring bills…", id="recurring-status", classes="hint")
            yield DataTable(id="schedules", cursor_type="row", zebra_stripes=True)
            yield Static(id="schedule-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#schedules", DataTable)
        table.add_column("#", width=_WIDTHS[0], key="id")
        table.add_column(Text("Amount", justify="right"), width=_WIDTHS[1], key="amount")
        table.add_column("Next", width=_WIDTHS[2], key="next")
        table.add_column("State", width=_WIDTHS[3], key="state")
        self._bill_column = table.add_column("Bill and rule", key="bill")
        table.display = False

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        table = self.query_one("#schedules", DataTable)
        width = fill_last_column(table, self._bill_column, _WIDTHS, self.size.width)
        if width is not None:
            self._width = width
            self._fill()

    # -- reading ---------------------------------------------------------------------

    def reload(self) -> None:
        name = self._group.name
        run_db(
            self,
            lambda ledger: ledger.schedules(name),
            self._show,
            exclusive=True,
            group="recurring",
            description="load recurring bills",
        )

    def _show(self, schedules: list[ScheduleView]) -> None:
        self.schedules = schedules
        self._fit()
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#schedules", DataTable)
        row = table.cursor_row
        table.clear()
        for view in self.schedules:
            table.add_row(
                Text(f"#{view.id}", end=""),
                Text(f"{view.amount} {view.currency}", justify="right", end=""),
                Text("—" if view.next_date is None else view.next_date.isoformat(), end=""),
                Text(state_text(view), style="bold" if view.due else "", end=""),
                bill_text(view, self._width),
                height=None,
            )
        table.display = bool(self.schedules)
        due = sum(v.due for v in self.schedules)
        if not self.schedules:
            status = "No recurring bills yet: a adds one (rent, a subscription…)."
        elif due:
            status = f"{due} bill{'s are' if due != 1 else ' is'} due: r records them."
        else:
            status = "Nothing is due: each bill is recorded once its date has come (r)."
        self.query_one("#recurring-status", Static).update(status)
        if self.schedules:
            table.move_cursor(row=min(max(row, 0), len(self.schedules) - 1))
            if self.focused is None:
                table.focus()
        self._detail()

    def on_data_table_row_highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        view = self.highlighted()
        box = self.query_one("#schedule-detail", Static)
        box.update(detail_text(view) if view is not None else "")

    def highlighted(self) -> ScheduleView | None:
        table = self.query_one("#schedules", DataTable)
        row = table.cursor_row
        return self.schedules[row] if self.schedules and 0 <= row < len(self.schedules) else None

    # -- changing --------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        from splitledger.tui.screens.recurring_form import RecurringFormScreen

        if refuse_write(self):
            return
        if not self.group.members:
            self.notify("Add members first (m on the balances).", severity="warning")
            return
        self.app.push_screen(RecurringFormScreen())

    def _write(
        self, job: Callable[[Ledger], object], said: Callable[[Any], str], what: str
    ) -> None:
        """Run `job` as a write (one at a time), say `said(result)`, then read again."""
        if self._busy or refuse_write(self):
            return
        self._busy = True

        def done(result: object) -> None:
            self._busy = False
            self.notify(said(result), markup=False)
            self.reload()

        def failed(error: ServiceError) -> None:
            self._busy = False
            self.sl_app.show_error(error)
            self.reload()

        run_write(self, job, done, failed=failed, what=what, description=what.lower())

    def action_record_due(self) -> None:
        name = self._group.name
        self._write(lambda ledger: ledger.run_recurring(name), run_summary, "Recording")

    def action_pause(self) -> None:
        view = self.highlighted()
        if view is None or refuse_write(self):
            return
        if view.status == "paused":
            sid = view.id
            self._write(
                lambda ledger: ledger.resume_schedule(sid),
                lambda v: f"Resumed #{v.id} {clip(v.description)}: next {_next(v)}.",
                "Resuming",
            )
        elif view.status == "active":
            sid = view.id
            self._write(
                lambda ledger: ledger.pause_schedule(sid),
                lambda v: f"Paused #{v.id} {clip(v.description)} from today (p resumes it).",
                "Pausing",
            )
        else:
            self.notify(f"#{view.id} is {view.status}: nothing to pause.", severity="warning")

    def action_end(self) -> None:
        from splitledger.tui.screens.confirm import ConfirmScreen

        view = self.highlighted()
        if view is None or refuse_write(self):
            return
        if view.status in ("ended", "finished", "replaced"):
            self.notify(f"#{view.id} is {view.status} already.", severity="warning")
            return
        sid = view.id
        question = (
            f"End #{sid} “{clip(view.description, 120)}” today? Nothing dated later is "
            "recorded; the bills recorded so far stay."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda ledger: ledger.end_schedule(sid),
                    lambda v: f"Ended #{v.id} {clip(v.description)}.",
                    "Ending",
                )

        self.app.push_screen(ConfirmScreen(question, yes="End it"), answered)


def _next(view: ScheduleView) -> str:
    return "none" if view.next_date is None else view.next_date.isoformat()


def run_summary(report: RunReport) -> str:
    """What recording the due bills did, in one line."""
    recorded, skipped = report.having("recorded"), report.having("skipped")
    if not recorded and not skipped:
        return "Nothing was due: nothing recorded."
    said = f"Recorded {len(recorded)} bill{'s' if len(recorded) != 1 else ''}"
    if recorded:
        said += f" (from {recorded[0].date.isoformat()} to {recorded[-1].date.isoformat()})"
    if skipped:
        first = skipped[0]
        said += (
            f"; skipped {len(skipped)}: {clip(first.description, 40)} of "
            f"{first.date.isoformat()}: {clip(first.reason, 120)}"
        )
    return said + "."
