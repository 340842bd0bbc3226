"""The home screen of a group: who is owed, who owes, and what was spent; today, or
as of a date typed in its date field (d) or the end of last month (e), clearly marked
as such until Escape (or an empty date) returns to today. A group closed through a
date says so."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, Static

from splitledger.tui.formatting import money
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from textual.widgets import Input

    from splitledger.services.errors import ServiceError
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import BalancesView, PeriodClose, TxView


def end_of_last_month(today: dt.date) -> dt.date:
    """The last day of the month before `today`'s."""
    return today.replace(day=1) - dt.timedelta(days=1)


def read_balances(
    ledger: Ledger, group: str, as_of: dt.date | None
) -> tuple[BalancesView, PeriodClose | None]:
    """The group's balances (as of `as_of`, else today's) and its close in force."""
    return ledger.balances(group, as_of=as_of), ledger.closed_through(group)


class BalancesScreen(LedgerScreen):
    """Balances of the current group, with the keys to everything else."""

    HELP_TEXT = (
        "A positive balance (green, bar to the right) means the group owes that member; "
        "a negative one (red, bar to the left) means the member owes the group. "
        "p records a payment by hand (any amount, any currency); r lists, adds and imports "
        "exchange rates; i converts every balance into one currency and settles in it. "
        "d: the balances as of a date (e: the end of last month; Escape: today), and the "
        "settle plan of that date (read-only). t: spending reports."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_expense", "Add expense"),
        Binding("h", "history", "History"),
        Binding("s", "settle", "Settle up"),
        Binding("m", "members", "Members"),
        Binding("g", "groups", "Groups"),
        Binding("p", "payment", "Payment"),
        Binding("r", "rates", "Rates"),
        Binding("i", "settle_in", "Settle in…"),
        Binding("l", "activity", "Activity", show=False),
        # (The footer is full at 80 columns: these are in `?` help and the palette.)
        Binding("t", "reports", "Reports", show=False),
        Binding("d", "as_of", "As of a date…", show=False),
        Binding("e", "end_of_last_month", "As of end of last month", show=False),
        Binding("escape", "today", "Back to today", show=False),
    ]

    def __init__(self, view: BalancesView | None = None, token: object = None) -> None:
        super().__init__()
        #: Balances just read (when the app opens, with the change `token` read with
        #: them): shown on mount, not read again.
        self._first = view
        if view is not None:
            self.handed_data(token)
        #: The history's first page is being read (a second `h` must not open another).
        self._history_coming = False
        #: The date the balances are shown as of (None: today).
        self.as_of: dt.date | None = None
        #: The date the group is closed through, as last read (None: never closed).
        self.closed: dt.date | None = None if view is None else self.group.closed_through

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="balances-body"):
            yield Static(id="summary")
            yield BalanceChart(id="chart")
            # (#indicative, below the chart, is mounted once a group needs it)
        yield Footer()

    def on_mount(self) -> None:
        if self._first is not None:
            self._show(self._first)  # before the first paint: painted once, with data
            self._first = None

    def reload(self) -> None:
        name, as_of = self.group.name, self.as_of

        def shown(read: tuple[BalancesView, PeriodClose | None]) -> None:
            if as_of == self.as_of:  # (else a reload for the date now asked is coming)
                view, close = read
                self.closed = None if close is None else close.through
                self._show(view)

        run_db(
            self,
            lambda ledger: read_balances(ledger, name, as_of),
            shown,
            exclusive=True,
            group="balances",
            description="load balances",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "today":
            return self.as_of is not None or any(r.display for r in self.query("#as-of-row"))
        return True

    def _summary(self, view: BalancesView) -> Content:
        spent = ", ".join(money(m, c) for c, m in sorted(view.total_spent.items())) or money(
            0, view.currency
        )
        members = len(self.group.members)
        parts: list[str | Content | tuple[str, str]] = [
            plain(view.group, "b"),
            f" · {view.currency} · {members} member{'s' if members != 1 else ''}",
        ]
        if self.as_of is None:  # (as of a date the services leave it out: see the reports)
            parts += [" · total spent ", (spent, "b")]
        line = Content.assemble(*parts)
        marks: list[Content] = []
        if self.as_of is not None:
            marks.append(
                Content.assemble(
                    (f"As of {self.as_of.isoformat()}", "b $text-warning"),
                    ("  (everything dated on or before it; Escape: today)", "dim"),
                )
            )
        if self.closed is not None:
            marks.append(
                Content.styled(f"Closed through {self.closed.isoformat()}", "$text-accent")
            )
        return Content("\n").join([line, Content(" · ").join(marks)]) if marks else line

    def _show(self, view: BalancesView) -> None:
        self.query_one("#summary", Static).update(self._summary(view))
        self.query_one(BalanceChart).view = view
        text = indicative_text(view)
        notes = self.query("#indicative")
        if notes:
            note = notes.only_one(Static)
            note.update(text)
            note.display = bool(text)
        elif text:
            # Mounted only for multi-currency groups: a widget costs ~0.7 ms to open
            # the screen with, even hidden.
            self.query_one("#balances-body").mount(Static(text, id="indicative"))

    def action_add_expense(self) -> None:
        from splitledger.tui.read_only import refuse_write
        from splitledger.tui.screens.expense_form import ExpenseFormScreen

        if refuse_write(self):  # an archived group: say so, no form
            return
        if not self.group.members:
            self.notify("Add members first (m).", severity="warning")
            return
        self.app.push_screen(ExpenseFormScreen())

    def action_history(self) -> None:
        """Show the history once its first page is read (or after `FIRST_PAGE_WAIT`
        without it): painted once, with its rows, not empty first and then again."""
        from splitledger.tui.screens.history import (
            FIRST_PAGE_WAIT,
            HistoryScreen,
            read_first_page,
        )

        if self._history_coming:
            return
        self._history_coming = True
        screen = HistoryScreen()
        name = self.group.name
        done = False

        def settle() -> bool:
            """Whether this is the first outcome (the page, its failure or the wait)."""
            nonlocal done
            if done:
                return False
            done = True
            timer.stop()
            self._history_coming = False
            return True

        def show() -> None:
            if settle() and self.is_active:  # not if another key opened something else
                self.app.push_screen(screen)

        def arrived(page: list[TxView]) -> None:
            screen.first_page(page)  # (dropped if the screen already read its own)
            show()

        def late() -> None:
            show()  # without its first page: it reads it itself

        def failed(error: ServiceError) -> None:
            if settle():  # else the screen is up and reads (and reports) its own page
                self.sl_app.show_error(error)

        timer = self.set_timer(FIRST_PAGE_WAIT, late)
        run_db(
            self,
            lambda ledger: read_first_page(ledger, name),
            arrived,
            failed=failed,
            group="history",
            description="load history",
        )

    def action_settle(self) -> None:
        from splitledger.tui.screens.settle import SettleScreen

        self.app.push_screen(SettleScreen(as_of=self.as_of))

    # -- as of a date ----------------------------------------------------------------

    async def action_as_of(self) -> None:
        """Show the date field (mounted the first time: the screen opens without it, and
        the app starts without importing its widgets)."""
        from textual.containers import Horizontal
        from textual.widgets import Input, Label

        if not self._on_top():
            return
        found = self.query("#as-of")
        if found:
            field = found.only_one(Input)
        else:
            field = Input(
                self.as_of.isoformat() if self.as_of else "",
                placeholder="YYYY-MM-DD",
                id="as-of",
                compact=True,
                max_length=10,
            )
            row = Horizontal(
                Label("As of "),
                field,
                Label("  Enter shows it · empty: today · Escape: today", classes="hint"),
                id="as-of-row",
            )
            row.styles.height = 1
            field.styles.width = 12
            body = self.query_one("#balances-body")
            error = Static(id="as-of-error", classes="field-error")
            error.styles.margin = (0, 0, 1, 0)
            await body.mount_all([row, error], before="#summary")
        self.query_one("#as-of-row").display = True
        field.focus()

    def action_end_of_last_month(self) -> None:
        if self._on_top():
            self.show_as_of(end_of_last_month(self.sl_app.today()))

    def action_today(self) -> None:
        if self._on_top():
            self.show_as_of(None)

    def _on_top(self) -> bool:
        """Whether the balances are on screen (the palette runs these actions from any
        screen; a screen above may hold unsaved input, so it is not closed for them)."""
        if self.is_current:
            return True
        self.notify("Go back to the balances first (Escape), then choose it again.")
        return False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "as-of":
            self._date_typed(event.value)

    def _date_typed(self, value: str) -> None:
        from splitledger.services.errors import InvalidInput
        from splitledger.tui.field_errors import clear_field_errors, show_field_error
        from splitledger.tui.screens.payment import parse_day

        text = value.strip()
        clear_field_errors(self)
        try:
            day = parse_day(text) if text else None
        except InvalidInput as exc:
            show_field_error(self, "as-of", str(exc).removeprefix("date: "))
            return
        self.show_as_of(day)

    def show_as_of(self, day: dt.date | None) -> None:
        """Show the balances as of `day` (None: today's), read again; the date field
        goes away (the summary says the date)."""
        from textual.widgets import Input

        self.as_of = day
        for field in self.query("#as-of").results(Input):
            field.value = "" if day is None else day.isoformat()
        # (The summary says the date: the field goes until d asks for another.)
        for row in self.query("#as-of-row, #as-of-error"):
            row.display = False
        self.set_focus(None)
        self.refresh_bindings()
        self.reload()

    def action_payment(self) -> None:
        from splitledger.tui.read_only import refuse_write
        from splitledger.tui.screens.payment import PaymentScreen

        if refuse_write(self):
            return
        if len(self.group.members) < 2:
            self.notify("A payment needs two members: add them first (m).", severity="warning")
            return
        self.app.push_screen(PaymentScreen(self.group))

    def action_rates(self) -> None:
        from splitledger.tui.screens.rates import RatesScreen

        self.app.push_screen(RatesScreen(self.group))

    def action_settle_in(self) -> None:
        from splitledger.tui.screens.settle_in import SettleInScreen

        self.app.push_screen(SettleInScreen(self.group))

    def action_activity(self) -> None:
        from splitledger.tui.commands import open_route

        open_route(self.sl_app, "activity")

    def action_reports(self) -> None:
        from splitledger.tui.commands import open_route

        open_route(self.sl_app, "reports")

    def action_members(self) -> None:
        from splitledger.tui.screens.members import MembersScreen

        self.app.push_screen(MembersScreen())

    def action_groups(self) -> None:
        from splitledger.tui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen())


def indicative_text(view: BalancesView) -> Content:
    """For groups with balances in several currencies: each member's total in the group
    currency at today's rates, marked as an estimate (nothing is converted on the
    ledger until `convert`), and what any exchange account still holds."""
    foreign = any(b.minor and b.currency != view.currency for b in view.balances)
    if not foreign and not view.exchange:
        return Content()

    def total(amount: int | None) -> str:
        return "no rate" if amount is None else money(amount, view.currency, signed=True)

    intro = f"Indicative in {view.currency} at today's rates (not converted on the ledger): "
    parts: list[str | Content | tuple[str, str]] = [(intro, "dim")]
    for index, (member, amount) in enumerate(sorted(view.indicative.items())):
        parts += [" · " if index else "", plain(member), f" {total(amount)}"]
    if view.exchange:
        held = ", ".join(money(b.minor, b.currency) for b in view.exchange)
        parts += ["\n", (f"Partly converted: the exchange accounts hold {held}.", "dim")]
    return Content.assemble(*parts)
