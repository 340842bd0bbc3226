"""The history of a group, newest first, read lazily a page at a time.

It lists bills (ADR 0011): each bill once, as its current version, marked "edited" when
it was changed, without the reversals an edit or a deletion wrote; deleted bills only
while "show deleted" is on (s), marked "deleted". r shows the ledger entries instead,
every one of them, reversals included (the accountant's view). Both are filters of the
query itself (`Ledger.history(entries=…, show_deleted=…)`), so pages stay whole.

The search box takes free text and filters (see `history_query`); each change reloads
the first page after a short pause. Scrolling near the end loads the next (older) page
with a keyset cursor (date, id), so deep pages cost the same as the first.

The table holds a window of at most `MAX_ROWS` rows (`WINDOW_PAGES` pages), whatever the
size of the history: a page loaded at one end drops as many rows at the other. End reads
the oldest page (one keyset query from the other end) and shows it in place of the
window, cursor on the oldest transaction; scrolling up from there loads newer pages
(`after`), and Home reads the newest page again.

The balances screen reads the first page before it shows this screen (if the page
comes within `FIRST_PAGE_WAIT`): the screen is then laid out and painted once, rows
included, instead of empty first and again when the rows (and the scrollbar) arrive.

Some 450 lines: the list, its search and its two ways of paging work on one cursor and
keep one state; the cells and column widths are in `tui/history_cells.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from splitledger.services.errors import InvalidInput, NotFound, ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.history_cells import cells, column_widths
from splitledger.tui.history_query import SEARCH_HINT, HistoryQuery, parse_query
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import VisibleHighlighter, clip, plain
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer
from splitledger.tui.widgets.lazy_table import LazyTable

PAGE = 100
#: Pages the table holds at most: memory stays bounded on any history (see `MAX_ROWS`).
WINDOW_PAGES = 4
#: Rows the table holds at most; loading a page at one end drops rows at the other.
MAX_ROWS = WINDOW_PAGES * PAGE
#: Seconds the history waits for its first page before it opens without it.
FIRST_PAGE_WAIT = 0.15
#: Seconds of calm in the search box before the search runs.
SEARCH_DELAY = 0.25

#: Which rows a load reads: the newest page, the page older than the last row held,
#: the page newer than the first, the oldest page, or the window held (a refresh).
Where = Literal["newest", "older", "newer", "oldest", "window"]


def read_first_page(ledger: Ledger, group: str) -> list[TxView]:
    """The history's first page as the screen first shows it (bills; `PAGE` + 1 rows,
    the last only telling whether there are more): for an opener to hand over with
    `HistoryScreen.first_page`."""
    return ledger.history(group, limit=PAGE + 1, entries=False)


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
        "Newest first, one line a bill (its current version; 'edited' if it was changed), "
        "with who paid it (payer → payee for a payment; 'Ann +2' when they do not fit). "
        "s shows deleted bills too (struck through, 'deleted'); r shows the ledger "
        "entries instead: every transaction, reversals and replaced versions included, "
        "struck through when a reversal undid them. u (or ctrl+z) undoes the last "
        "deletion or edit made in the app, once. Type in the search box to filter: free "
        f"text matches description and category; filters: {SEARCH_HINT}. End jumps to "
        "the oldest transaction and Home to the newest; pages load as you scroll, and at "
        f"most {MAX_ROWS} rows are held (those furthest away are dropped)."
    )
    AUTO_FOCUS = "#history"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("u,ctrl+z", "undo", "Undo", key_display="u"),
        Binding("s", "toggle_deleted", "Deleted"),
        Binding("r", "toggle_entries", "Entries"),
    ]

    def __init__(self) -> None:
        """The opener may read the first page and hand it over with `first_page`
        before it shows the screen; else the screen reads it itself."""
        super().__init__()
        #: The window of rows held (as the table shows them: newest first), at most
        #: `MAX_ROWS`.
        self.rows: list[TxView] = []
        #: No transaction (that the search matches) is older than the last row held.
        self.exhausted = False
        #: None is newer than the first row held.
        self.at_newest = True
        self.query_filter = HistoryQuery()
        #: Ledger entries (every transaction) rather than bills.
        self.entries = False
        #: Bills: deleted ones too.
        self.show_deleted = False
        #: The search box holds a query that does not parse (no rows shown for it).
        self._query_broken = False
        self._loading = False
        self._generation = 0
        self._debounce: Timer | None = None
        #: What the status line says (plain text), when it says how many rows there are.
        self._status_text = ""
        #: The first page, handed over by the opener before this screen mounted.
        self._first: list[TxView] | None = None
        #: The search's `member:` names no member of the group (the ledger said so).
        self._unknown_member = False
        #: Cells of the "Paid by" column (set with the columns, from the app's width).
        self._payer_width = 20

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Search… (member:Bob cat:food kind:expense from:2026-06-01)",
            id="search",
            compact=True,
            highlighter=VisibleHighlighter(),
        )
        yield Static(id="history-status", classes="hint")
        yield LazyTable(id="history")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        """A wider or narrower terminal: the columns take the new width (the
        description and the payers share what is left), the rows laid out anew."""
        table = self.query_one(LazyTable)
        widths = column_widths(event.size.width)
        if len(table.columns) != len(widths) or widths == [c.width for c in table.columns]:
            return
        self._payer_width = widths[3]
        lines = [cells(tx, entries=self.entries, payer_width=widths[3]) for tx in self.rows]
        table.relayout(widths, lines)

    def on_mount(self) -> None:
        table = self.query_one(LazyTable)
        widths = column_widths(self.app.size.width)
        self._payer_width = widths[3]
        labels: tuple[str | Text, ...] = ("Date", "Kind", "Description", "Paid by", "Category")
        for label, width in zip((*labels, Text("Amount", justify="right")), widths, strict=True):
            table.add_column(label, width=width)
        if self._first is not None:
            self._show(self._first, 0, "newest", PAGE, 0)
            self._first = None

    # -- loading -------------------------------------------------------------------

    def reload(self) -> None:
        """Read the window held again (as many rows, from the same first row, or from
        the newest if the window starts there): the cursor stays on its row."""
        self._load("window", limit=min(max(len(self.rows), PAGE), MAX_ROWS))

    def first_page(self, page: list[TxView]) -> None:
        """The first page, read by the opener (before or after this screen mounted):
        `PAGE` + 1 rows, the last only telling whether there are more; dropped if the
        screen has asked for rows itself since (a search, a refresh)."""
        if self._generation:
            return
        if not self.entries and any(
            tx.kind == "reversal" or tx.reversed_by is not None for tx in page
        ):
            return  # ledger entries, not bills: the screen reads its own first page
        if self.is_mounted:
            self._show(page, 0, "newest", PAGE, 0)
        else:
            self._first = page
            self.handed_data()

    def _load(self, where: Where, *, limit: int = PAGE, cursor: int | None = None) -> None:
        """Read `where`'s `limit` rows (and one more, which only tells whether there are
        more beyond them); `cursor`: the row the cursor goes to when they replace the
        window (None: the row it is on, as far as there are rows)."""
        self._generation += 1
        generation = self._generation
        name = self.group.name
        before: tuple[dt.date, int] | None = None
        after: tuple[dt.date, int] | None = None
        if where == "older":
            before = (self.rows[-1].date, self.rows[-1].id)
        elif where == "newer":
            after = (self.rows[0].date, self.rows[0].id)
        elif where == "window" and not self.at_newest and self.rows:
            before = (self.rows[0].date, self.rows[0].id + 1)  # from the first row on
        oldest = where == "oldest"
        filters = self.query_filter.as_kwargs()
        entries, show_deleted = self.entries, self.show_deleted
        self._loading = True

        def fetch(ledger: Ledger) -> list[TxView]:
            return ledger.history(
                name,
                limit=limit + 1,
                before=before,
                after=after,
                oldest=oldest,
                entries=entries,
                show_deleted=show_deleted,
                **filters,  # type: ignore[arg-type]
            )

        run_db(
            self,
            fetch,
            lambda page: self._show(page, generation, where, limit, cursor),
            failed=lambda error: self._failed(error, generation),
            exclusive=where not in ("older", "newer"),
            group="history",
            description="load history",
        )

    def _failed(self, error: ServiceError, generation: int) -> None:
        if generation != self._generation:
            return  # a newer request superseded this one
        self._loading = False
        if isinstance(error, NotFound) and error.field == "member":
            # `member:` names nobody in the group: no rows, and the status says why.
            self._unknown_member = True
            self._show([], generation, "newest", PAGE, 0)
            return
        self.sl_app.show_error(error)

    def _show(
        self, page: list[TxView], generation: int, where: Where, limit: int, cursor: int | None
    ) -> None:
        if generation != self._generation:
            return  # a newer request (another search, End, Home) superseded this one
        self._loading = False
        self._unknown_member = self._unknown_member and not page
        table = self.query_one(LazyTable)
        more = len(page) > limit  # there are rows beyond these (the extra one read)
        if more:  # the extra row is the one furthest from where the read started
            page = page[-limit:] if where in ("newer", "oldest") else page[:limit]
        lines = [cells(tx, entries=self.entries, payer_width=self._payer_width) for tx in page]
        if where == "older":
            table.add_rows(lines)
            self.rows.extend(page)
            self.exhausted = not more
            extra = len(self.rows) - MAX_ROWS
            if extra > 0:  # the newest rows held go
                del self.rows[:extra]
                table.remove_first(extra)
                self.at_newest = False
        elif where == "newer":
            table.prepend_rows(lines)
            self.rows[:0] = page
            self.at_newest = not more
            extra = len(self.rows) - MAX_ROWS
            if extra > 0:  # the oldest rows held go
                del self.rows[-extra:]
                table.remove_last(extra)
                self.exhausted = False
        else:
            if where == "oldest":
                self.exhausted, self.at_newest = True, not more
                cursor = len(page) - 1
            else:
                self.exhausted = not more
                self.at_newest = self.at_newest if where == "window" else True
            keep_row, keep_y = table.cursor_row, table.scroll_y
            on = self.rows[keep_row].id if 0 <= keep_row < len(self.rows) else None
            table.clear()
            table.add_rows(lines)
            self.rows = list(page)
            if where == "window":
                # the cursor stays on its transaction, and the view moves with it, when
                # rows came or went above it (a reversal on its bill's day, a bill
                # back-dated from another terminal)
                now = [tx.id for tx in page]
                if on in now:
                    keep_y += now.index(on) - keep_row
                    keep_row = now.index(on)
                table.scroll_y = table.scroll_target_y = max(keep_y, 0)  # the view stays too
            if table.row_count:
                row = keep_row if cursor is None else cursor
                table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        table.more_coming = not self.exhausted
        table.more_above = not self.at_newest
        self._status()
        if where in ("older", "newer"):
            self._next(where)  # the user may still be near that end (a tall terminal)

    def _status(self) -> None:
        count = len(self.rows)
        message: str | Content
        member = self.query_filter.member
        if not count and member is not None and self._names_nobody(member):
            message = Content.assemble(
                "There is no member named “", plain(clip(member)), "” in this group."
            )
        elif not count:
            message = (
                "No transactions match."
                if self.query_filter != HistoryQuery()
                else "No transactions yet: press a on the balances screen to add one."
                if self.entries or self.show_deleted
                else "No bills to show: press a on the balances screen to add one (s shows "
                "deleted bills, r every ledger entry)."
            )
        elif self.at_newest and self.exhausted:
            message = f"{count} transaction{'s' if count != 1 else ''}."
        elif self.at_newest and count < MAX_ROWS:
            message = f"{count} transactions loaded; more load as you scroll."
        elif self.at_newest:
            message = f"{count} newest loaded ({MAX_ROWS} held at most); more as you scroll."
        elif self.exhausted:
            message = f"{count} oldest loaded ({MAX_ROWS} held at most); newer as you scroll up."
        else:
            message = f"{count} loaded ({MAX_ROWS} held at most); more either way as you scroll."
        if self.entries:
            message = Content.assemble("Ledger entries (r: bills). ", message)
        elif self.show_deleted:
            message = Content.assemble("Deleted bills shown (s: hide). ", message)
        status = self.query_one("#history-status", Static)
        width = status.content_region.width
        shown = message if isinstance(message, str) else message.plain
        # One line before and after: no need to lay out the screen again.
        same = 0 < cell_len(self._status_text) <= width and cell_len(shown) <= width
        self._status_text = shown
        status.update(message, layout=not same)

    def _names_nobody(self, member: str) -> bool:
        """Whether the search's `member:` is nobody in the group: the ledger said so, or
        (an empty result) no member's name is that, in any case."""
        folded = member.casefold()
        return self._unknown_member or all(m.casefold() != folded for m in self.group.members)

    @on(LazyTable.NearEnd)
    def _near_end(self) -> None:
        self._next("older")

    @on(LazyTable.NearStart)
    def _near_start(self) -> None:
        self._next("newer")

    def _next(self, where: Literal["older", "newer"]) -> None:
        """Load the next page towards the end the user nears (one page at a time)."""
        if self._loading or not self.rows:
            return
        table = self.query_one(LazyTable)
        if where == "older" and not self.exhausted and table.near_end():
            self._load("older")
        elif where == "newer" and not self.at_newest and table.near_start():
            self._load("newer")

    @on(LazyTable.JumpToEnd)
    def _to_end(self) -> None:
        self._load("oldest")

    @on(LazyTable.JumpToStart)
    def _to_start(self) -> None:
        self._load("newest", cursor=0)

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
            # The rows of the search before would read as this one's answer: gone.
            self._generation += 1  # and a read still running for it is dropped
            self._query_broken = True
            self.rows = []
            self.query_one(LazyTable).clear()
            self._status_text = ""
            self.query_one("#history-status", Static).update(
                plain(str(exc), "b $error", lines=True)
            )
            return
        if query != self.query_filter or self._query_broken:
            self._query_broken = False
            self.query_filter = query
            self.rows = []
            self._unknown_member = False
            self._load("newest")

    def action_toggle_entries(self) -> None:
        """Ledger entries (every transaction) or bills, from the newest."""
        self.entries = not self.entries
        self._restart("Ledger entries: every transaction." if self.entries else "Bills.")

    def action_toggle_deleted(self) -> None:
        """Bills: show deleted ones too, or not."""
        if self.entries:
            self.notify("The ledger entries show everything; r goes back to bills.")
            return
        self.show_deleted = not self.show_deleted
        self._restart("Deleted bills shown." if self.show_deleted else "Deleted bills hidden.")

    def _restart(self, said: str) -> None:
        self.rows = []
        self.notify(said, timeout=2)
        self._load("newest", cursor=0)

    def action_undo(self) -> None:
        from splitledger.tui.screens.transaction import undo_last_change

        undo_last_change(self, self.reload)

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
