"""The home screen of a group: who is owed, who owes, and what was spent."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from splitledger.tui.formatting import money
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.balance_chart import BalanceChart

if TYPE_CHECKING:
    from splitledger.services.errors import ServiceError
    from splitledger.services.views import BalancesView, TxView


class BalancesScreen(LedgerScreen):
    """Balances of the current group, with the keys to everything else."""

    HELP_TEXT = (
        "A positive balance (green, bar to the right) means the group owes that member; "
        "a negative one (red, bar to the left) means the member owes the group. "
        "p records a payment by hand (any amount, any currency); r lists, adds and imports "
        "exchange rates; i converts every balance into one currency and settles in it."
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
        name = self.group.name
        run_db(
            self,
            lambda ledger: ledger.balances(name),
            self._show,
            exclusive=True,
            group="balances",
            description="load balances",
        )

    def _summary(self, view: BalancesView) -> Content:
        spent = ", ".join(money(m, c) for c, m in sorted(view.total_spent.items())) or money(
            0, view.currency
        )
        members = len(self.group.members)
        return Content.assemble(
            plain(view.group, "b"),
            f" · {view.currency} · {members} member{'s' if members != 1 else ''} · total spent ",
            (spent, "b"),
        )

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
        from splitledger.tui.screens.expense_form import ExpenseFormScreen

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

        self.app.push_screen(SettleScreen())

    def action_payment(self) -> None:
        from splitledger.tui.screens.payment import PaymentScreen

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
