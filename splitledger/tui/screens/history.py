"""The history of a group, newest first, read lazily a page at a time.

The search box takes free text and filters (see `history_query`); each change reloads
the first page after a short pause. Scrolling near the end loads the next page with a
keyset cursor (date, id), so deep pages cost the same as the first.

The balances screen reads the first page before it shows this screen (if the page
comes within `FIRST_PAGE_WAIT`): the screen is then laid out and painted once, rows
included, instead of empty first and again when the rows (and the scrollbar) arrive.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import Input, Static

from splitledger.services.errors import InvalidInput, ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.formatting import tx_amount_text
from splitledger.tui.history_query import SEARCH_HINT, HistoryQuery, parse_query
from splitledger.tui.jobs import run_db
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import LedgerFooter
from splitledger.tui.widgets.header import LedgerHeader
from splitledger.tui.widgets.lazy_table import LazyTable

PAGE = 100
#: Seconds the history waits for its first page before it opens without it.
FIRST_PAGE_WAIT = 0.15
#: Seconds of calm in the search box before the search runs.
SEARCH_DELAY = 0.25
MAX_RELOAD = 10_000  # the Ledger's page limit
_FIXED_WIDTH = 10 + 8 + 10 + 16 + 2 * 5 + 4  # date, kind, category, amount, padding, bar


def describe(tx: TxView) -> Text:
    """The description cell: struck through when reversed, linked when a reversal."""
    text = Text(tx.description)
    if tx.reversed_by is not None:
        text.stylize("strike dim")
    if tx.replaces_id is not None:
        text.append(f" (edit of #{tx.replaces_id})", style="dim")
    return text


class HistoryScreen(LedgerScreen):
    """Every transaction of the group; Enter shows one in detail."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #search {
        margin: 1 1 0 1;
    }

    #history {
        height: 1fr;
    }
    """

    HELP_TEXT = (
        "Newest first. Type in the search box to filter: free text matches description "
        f"and category; filters: {SEARCH_HINT}. Struck-through lines were deleted or "
        "edited (each is undone by a reversal, which is listed too)."
    )
    AUTO_FOCUS = "#history"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, *, first_page_coming: bool = False) -> None:
        """`first_page_coming`: the opener reads the first page and hands it over with
        `first_page` (or calls `first_page_late`, and this screen reads it itself)."""
        super().__init__()
        self.rows: list[TxView] = []
        self.exhausted = False
        self.query_filter = HistoryQuery()
        self._loading = False
        self._generation = 0
        self._debounce: Timer | None = None
        #: What the status line says (plain text), when it says how many rows there are.
        self._status_text = ""
        #: The first page, handed over by the opener before this screen mounted.
        self._first: list[TxView] | None = None
        #: The opener reads the first page: the first resume must not read it too.
        self._first_by_opener = first_page_coming

    def compose(self) -> ComposeResult:
        yield LedgerHeader()
        yield Input(
            placeholder="Search… (member:Bob cat:food kind:expense from:2026-06-01)",
            id="search",
            compact=True,
        )
        yield Static(id="history-status", classes="hint")
        yield LazyTable(id="history")
        yield LedgerFooter()

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        width = max(self.app.size.width - _FIXED_WIDTH, 16)
        table.add_column("Date", width=10, key="date")
        table.add_column("Kind", width=8, key="kind")
        table.add_column("Description", width=width, key="description")
        table.add_column("Category", width=10, key="category")
        table.add_column(Text("Amount", justify="right"), width=16, key="amount")
        if self._first is not None:
            self._show(self._first, 0, PAGE, append=False)
            self._first = None

    # -- loading -------------------------------------------------------------------

    def reload(self) -> None:
        """Reload what is shown (as many rows as are loaded, so the cursor stays)."""
        if self._first_by_opener:
            self._first_by_opener = False  # the first resume: the opener reads the page
            return
        self._load(limit=min(max(len(self.rows), PAGE), MAX_RELOAD), append=False)

    def first_page(self, page: list[TxView]) -> None:
        """The first page, read by the opener (before or after this screen mounted);
        dropped if the screen has asked for rows itself since (a search, a refresh)."""
        if self._generation:
            return
        if self.is_mounted:
            self._show(page, 0, PAGE, append=False)
        else:
            self._first = page

    def first_page_late(self) -> None:
        """The opener gave up waiting: this screen reads its first page itself."""
        self._first_by_opener = False

    def _load(self, *, limit: int, append: bool) -> None:
        self._generation += 1
        generation = self._generation
        name = self.group.name
        before = (self.rows[-1].date, self.rows[-1].id) if append and self.rows else None
        filters = self.query_filter.as_kwargs()
        self._loading = True

        def fetch(ledger: Ledger) -> list[TxView]:
            return ledger.history(name, limit=limit, before=before, **filters)  # type: ignore[arg-type]

        run_db(
            self,
            fetch,
            lambda page: self._show(page, generation, limit, append),
            failed=self._failed,
            exclusive=not append,
            group="history",
            description="load history",
        )

    def _failed(self, error: ServiceError) -> None:
        self._loading = False
        self.sl_app.show_error(error)

    def _show(self, page: list[TxView], generation: int, limit: int, append: bool) -> None:
        if generation != self._generation:
            return  # a newer request (another search) superseded this one
        self._loading = False
        table = self.query_one(LazyTable)
        if not append:
            keep = table.cursor_row
            table.clear()
            self.rows = []
        table.add_rows(
            (
                tx.date.isoformat(),
                tx.kind,
                describe(tx),
                Text(tx.category),
                Text(tx_amount_text(tx), justify="right"),
            )
            for tx in page
        )
        self.exhausted = len(page) < limit
        table.more_coming = not self.exhausted
        self.rows.extend(page)
        if not append and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        self._status()

    def _status(self) -> None:
        count = len(self.rows)
        if not count:
            message = (
                "No transactions match."
                if self.query_filter != HistoryQuery()
                else ("No transactions yet: press a on the balances screen to add one.")
            )
        elif self.exhausted:
            message = f"{count} transaction{'s' if count != 1 else ''}."
        else:
            message = f"{count} transactions loaded; more load as you scroll."
        status = self.query_one("#history-status", Static)
        width = status.content_region.width
        # One line before and after: no need to lay out the screen again.
        same = 0 < cell_len(self._status_text) <= width and cell_len(message) <= width
        self._status_text = message
        status.update(message, layout=not same)

    @on(LazyTable.NearEnd)
    def _near_end(self) -> None:
        table = self.query_one(LazyTable)
        if not self.exhausted and not self._loading and self.rows and table.near_end():
            self._load(limit=PAGE, append=True)

    # -- search --------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DELAY, self._apply_search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self._apply_search()
        self.query_one(LazyTable).focus()

    def _apply_search(self) -> None:
        try:
            query = parse_query(self.query_one("#search", Input).value)
        except InvalidInput as exc:
            self._status_text = ""
            self.query_one("#history-status", Static).update(f"[b $error]{escape(str(exc))}[/]")
            return
        if query != self.query_filter:
            self.query_filter = query
            self.rows = []
            self._load(limit=PAGE, append=False)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one(LazyTable).focus()
        else:
            self.app.pop_screen()

    # -- one transaction -----------------------------------------------------------

    def highlighted(self) -> TxView | None:
        table = self.query_one(LazyTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(LazyTable.RowSelected)
    def _open(self) -> None:
        from splitledger.tui.screens.transaction import TransactionScreen

        tx = self.highlighted()
        if tx is not None:
            self.app.push_screen(TransactionScreen(tx.id))

    def action_edit(self) -> None:
        from splitledger.tui.screens.transaction import edit_transaction

        tx = self.highlighted()
        if tx is not None:
            edit_transaction(self, tx)

    def action_delete(self) -> None:
        from splitledger.tui.screens.transaction import delete_transaction

        tx = self.highlighted()
        if tx is not None:
            delete_transaction(self, tx, self.reload)
