"""Spending reports: what a group spent by month, by category or by member, as bar charts
with the exact amounts beside the bars, and who paid and who consumed the picked bar's
bills (`Ledger.spending_report`, the numbers `splitledger report` prints).

The period is a month, a year or all dates (w), stepped with ←/→ (or [ and ]); by month,
a year at least, every month of it shown (an empty one at zero, not left out). A group
that spent in several currencies is shown one currency at a time (u picks the next):
amounts are never added across currencies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from splitledger.tui.formatting import money
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import plain, plain_text
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.bars import Bar, Bars
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView, PeriodClose, ReportBucket, SpendingReport

View = Literal["month", "category", "member"]
Window = Literal["month", "year", "all"]

#: (view, its key, what the tab says)
VIEWS: tuple[tuple[View, str, str], ...] = (
    ("month", "m", "by month"),
    ("category", "c", "by category"),
    ("member", "p", "by member"),
)
WINDOWS: tuple[Window, ...] = ("month", "year", "all")
#: How a bucket without a category is shown (as `splitledger report` shows it).
NO_CATEGORY = "(none)"
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Period:
    """A report's dates: a month or a year starting at `start`, or all dates."""

    window: Window
    start: dt.date

    @property
    def first(self) -> dt.date | None:
        return None if self.window == "all" else self.start

    @property
    def last(self) -> dt.date | None:
        if self.window == "all":
            return None
        if self.window == "year":
            return self.start.replace(month=12, day=31)
        return add_months(self.start, 1) - dt.timedelta(days=1)

    def step(self, by: int) -> Period:
        """The period `by` months or years later (all dates stays all dates)."""
        if self.window == "all":
            return self
        months = by * 12 if self.window == "year" else by
        return Period(self.window, add_months(self.start, months))

    def text(self) -> str:
        if self.window == "all":
            return "all dates"
        if self.window == "year":
            return str(self.start.year)
        return f"{MONTHS[self.start.month - 1]} {self.start.year}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_of(window: Window, day: dt.date) -> Period:
    """The month, year or all dates holding `day`."""
    if window == "year":
        return Period("year", day.replace(month=1, day=1))
    return Period(window, day.replace(day=1))


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` through `last` (YYYY-MM each)."""
    start = dt.date.fromisoformat(f"{first}-01")
    end = dt.date.fromisoformat(f"{last}-01")
    out: list[str] = []
    while start <= end:
        out.append(f"{start:%Y-%m}")
        start = add_months(start, 1)
    return out


def read_report(
    ledger: Ledger, group: str, view: View, period: Period
) -> tuple[SpendingReport, PeriodClose | None]:
    """The report as `splitledger report GROUP --by VIEW --from --to` reads it (every
    currency: the screen shows one at a time), and the group's close in force."""
    report = ledger.spending_report(
        group, by=view, date_from=period.first, date_to=period.last, currency=None
    )
    return report, ledger.closed_through(group)


@dataclass(frozen=True, slots=True)
class Row:
    """A bar of the chart: its bucket's key as shown, and the bucket (None: a month
    with nothing spent in it)."""

    label: str
    value: int
    bucket: ReportBucket | None


def chart_rows(
    report: SpendingReport, view: View, currency: str, period: Period, today: dt.date
) -> list[Row]:
    """The bars of `report` in `currency`: by category and by month what the bills cost
    (`spent`), by member what each consumed (their share). By month, every month of
    the period (through today's, for this year) or, for all dates, from the first month
    with spending to the last, at zero where nothing was spent; no bars at all when
    nothing was."""
    buckets = [b for b in report.buckets if b.currency == currency]
    if view == "member":
        return [Row(b.key[0], b.consumed, b) for b in buckets]
    if view == "category":
        return [Row(b.key[0] or NO_CATEGORY, b.spent, b) for b in buckets]
    found = {b.key[0]: b for b in buckets}
    if not found:
        return []  # (the chart says that nothing was spent, not twelve zeros)
    if period.window == "all":
        months = months_between(min(found), max(found))
    else:
        first, last = period.start, period.last or period.start
        stop = min(last, max(today, first))
        months = months_between(f"{first:%Y-%m}", f"{stop:%Y-%m}")
        months = sorted({*months, *found})
    return [Row(m, found[m].spent if m in found else 0, found.get(m)) for m in months]


class ReportsScreen(LedgerScreen):
    """The spending reports of the group it was opened for."""

    DEFAULT_CSS = """
    #reports-body {
        padding: 0 1;
    }
    #report-tabs {
        margin-top: 1;
        padding: 0 1;
    }
    #report-total {
        margin-top: 1;
        padding: 0 1;
    }
    #report-bars {
        margin-top: 1;
    }
    #bucket-title {
        margin-top: 1;
        padding: 0 1;
    }
    #bucket-members {
        height: auto;
        width: auto;
        margin: 0 1;
    }
    """

    HELP_TEXT = (
        "What the group spent (expenses only: payments and conversions are not spending; "
        "deleted bills are left out), as `splitledger report` prints it. m shows it by "
        "month, c by category, p by member (each one's share of the bills). ↑/↓ pick a bar: "
        "the table under the chart says who paid and who consumed its bills. ←/→ (or [ and "
        "]) step to the period before or after; w switches between a month, a year and all "
        "dates; u shows the next currency when the group spent in several."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("m", "view('month')", "By month", show=False),
        Binding("c", "view('category')", "By category", show=False),
        Binding("p", "view('member')", "By member", show=False),
        Binding("left,left_square_bracket", "step(-1)", "Earlier", key_display="←"),
        Binding("right,right_square_bracket", "step(1)", "Later", key_display="→"),
        Binding("w", "window", "Month/year/all"),
        Binding("u", "currency", "Currency"),
    ]

    def __init__(self, group: GroupView, view: View = "month") -> None:
        super().__init__()
        self._group = group
        self.view: View = view
        #: The period asked for (by month, a month is shown as its year).
        self.window: Window = "month"
        self.start = dt.date(2000, 1, 1)  # (set on mount from the app's today)
        #: The currency shown (None: the group's, until a report says which there are).
        self.currency: str | None = None
        self.report: SpendingReport | None = None
        self.closed: dt.date | None = group.closed_through
        self.rows: list[Row] = []
        #: The label of the picked bar, kept across reloads and period steps.
        self._picked: str | None = None
        #: Whether u and ←/→ apply, as the footer last showed (see `_refresh_keys`).
        self._keys = (False, True)

    @property
    def group(self) -> GroupView:
        """The group the screen was opened for."""
        return self._group

    @property
    def period(self) -> Period:
        """The period shown: by month, at least a year."""
        window: Window = "year" if self.view == "month" and self.window == "month" else self.window
        return period_of(window, self.start)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="reports-body", can_focus=False):
            yield Static(classes="screen-title", id="report-title")
            yield Static(id="report-tabs")
            yield Static(id="report-total")
            yield Bars("Reading the report…", id="report-bars")
            yield Static(id="bucket-title")
            yield DataTable(id="bucket-members", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.start = self.sl_app.today().replace(day=1)
        self.query_one("#bucket-members", DataTable).can_focus = False
        self._titles()
        self.query_one(Bars).focus()

    # -- reading -------------------------------------------------------------------

    def reload(self) -> None:
        name, view, period = self._group.name, self.view, self.period

        def shown(read: tuple[SpendingReport, PeriodClose | None]) -> None:
            if (view, period) == (self.view, self.period):  # else another is coming
                report, close = read
                self.closed = None if close is None else close.through
                self._show(report)

        run_db(
            self,
            lambda ledger: read_report(ledger, name, view, period),
            shown,
            exclusive=True,
            group="report",
            description="spending report",
        )

    def currencies(self) -> list[str]:
        """The currencies spent in during the period (the group's first), or the
        group's alone."""
        own = self._group.currency
        spent = {t.currency for t in self.report.totals} if self.report else set()
        others = sorted(spent - {own})
        return [own, *others] if own in spent or not spent else others

    def _show(self, report: SpendingReport) -> None:
        self.report = report
        choices = self.currencies()
        if self.currency not in choices:
            self.currency = choices[0]
        currency = self.currency
        self.rows = chart_rows(report, self.view, currency, self.period, self.sl_app.today())
        bars = [Bar(r.label, money(r.value, currency), r.value) for r in self.rows]
        labels = [r.label for r in self.rows]
        at = labels.index(self._picked) if self._picked in labels else self._default_row()
        chart = self.query_one(Bars)
        chart.empty = f"Nothing spent in {currency} in {self.period.text()}."
        chart.show(bars, at)
        self._titles()
        self._refresh_keys()

    def _default_row(self) -> int:
        """By month the latest month with spending; else the first bar."""
        if self.view == "month":
            spent = [i for i, r in enumerate(self.rows) if r.value]
            return spent[-1] if spent else len(self.rows) - 1
        return 0

    # -- what is shown -------------------------------------------------------------

    def _titles(self) -> None:
        what = next(text for view, _key, text in VIEWS if view == self.view)
        parts: list[str | Content | tuple[str, str]] = [
            ("Spending of ", "b"),
            plain(self._group.name, "b"),
            (f" {what} · {self.period.text()}", "b"),
        ]
        if self.currency is not None:
            parts.append(f" · {self.currency}")
        if self.closed is not None:
            parts.append(("\n" + f"Closed through {self.closed.isoformat()}", "$text-accent"))
        self.query_one("#report-title", Static).update(Content.assemble(*parts))
        tabs: list[str | Content | tuple[str, str]] = []
        for index, (view, key, text) in enumerate(VIEWS):
            tabs += [" │ " if index else "", (key, "b")]
            tabs.append((f" {text}", "reverse b") if view == self.view else f" {text}")
        windows = ["a month", "a year", "all dates"]
        period = self.period.window
        tabs += ["     ", ("w", "b"), " "]
        for index, (window, text) in enumerate(zip(WINDOWS, windows, strict=True)):
            tabs += [" · " if index else "", (text, "b") if window == period else (text, "dim")]
        choices = self.currencies()
        if len(choices) > 1:
            tabs += ["     ", ("u", "b"), " " + " · ".join(choices)]
        self.query_one("#report-tabs", Static).update(Content.assemble(*tabs))
        self._total()

    def _total(self) -> None:
        report, currency = self.report, self.currency
        line = Content()
        if report is not None and currency is not None:
            spent = next((t.spent for t in report.totals if t.currency == currency), 0)
            line = Content.assemble(
                "Total spent ",
                (money(spent, currency), "b"),
                (" (bars: each member's share of the bills)", "dim")
                if self.view == "member"
                else "",
            )
        self.query_one("#report-total", Static).update(line)

    def on_bars_picked(self, event: Bars.Picked) -> None:
        event.stop()
        row = self.rows[event.index] if 0 <= event.index < len(self.rows) else None
        self._picked = None if row is None else row.label
        self._bucket(row)

    def _bucket(self, row: Row | None) -> None:
        """Who paid and who consumed the picked bar's bills."""
        title = self.query_one("#bucket-title", Static)
        table = self.query_one("#bucket-members", DataTable)
        table.clear()
        currency = self.currency or self._group.currency
        if row is None or row.bucket is None:
            title.update(
                Content.assemble(("Nothing spent in ", "dim"), plain(row.label, "dim"))
                if row is not None
                else Content()
            )
            table.display = False
            return
        title.update(
            Content.assemble(
                plain(row.label, "b"),
                (" · who paid and who consumed (their shares of) its bills", "dim"),
            )
        )
        shares = row.bucket.members
        cells = [
            (
                money(m.paid, currency),
                money(m.consumed, currency),
                money(m.net, currency, signed=True),
            )
            for m in shares
        ]
        # Columns as wide as their figures (names cut at 20): 80 columns hold the table.
        table.clear(columns=True)
        names = [plain_text(m.member) for m in shares]
        table.add_column("Member", width=min(max(6, *(n.cell_len for n in names)), 20))
        for index, head in enumerate(("Paid", "Consumed", "Net")):
            width = max(len(head), *(len(c[index]) for c in cells))
            table.add_column(Text(head, justify="right"), width=width)
        for name, (paid, consumed, net) in zip(names, cells, strict=True):
            table.add_row(
                name,
                Text(paid, justify="right"),
                Text(consumed, justify="right"),
                Text(net, justify="right"),
            )
        table.display = True

    # -- keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "currency":
            return len(self.currencies()) > 1
        if action == "step":
            return self.period.window != "all"
        return True

    def _refresh_keys(self) -> None:
        """Show or hide u and ←/→ in the footer when whether they apply changes (only
        then: the footer is rebuilt on each refresh, ~10 ms of a step's ~30)."""
        keys = (len(self.currencies()) > 1, self.period.window != "all")
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_view(self, view: View) -> None:
        if view != self.view:
            self.view = view
            self._picked = None
            self._changed()

    def action_step(self, by: int) -> None:
        if self.period.window == "all":
            return
        # (The month is kept: by month, a year on; by category, still that month.)
        self.start = add_months(self.start, by * 12 if self.period.window == "year" else by)
        self._changed()

    def action_window(self) -> None:
        windows = WINDOWS[1:] if self.view == "month" else WINDOWS
        now = self.period.window
        self.window = windows[(windows.index(now) + 1) % len(windows)]
        if now == "all":  # (from all dates: back to today's month or year)
            self.start = self.sl_app.today().replace(day=1)
        self._changed()

    def action_currency(self) -> None:
        choices = self.currencies()
        if len(choices) > 1 and self.report is not None:
            at = choices.index(self.currency) if self.currency in choices else -1
            self.currency = choices[(at + 1) % len(choices)]
            self._picked = None
            self._show(self.report)

    def _changed(self) -> None:
        """The view or the period changed: say so at once, read the report again."""
        self._titles()
        self._refresh_keys()
        self.reload()
