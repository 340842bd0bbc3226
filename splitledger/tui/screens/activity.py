"""A group's activity: every change, newest first, with who made it and when, and for
an edit what changed, field by field (`Ledger.activity`, as `splitledger activity`
lists it). Read a page at a time; `m` reads the next, older page."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from splitledger.tui.jobs import run_db
from splitledger.tui.safe import clip, plain, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.table_fit import fill_last_column
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    import datetime as dt

    from splitledger.services.errors import ServiceError
    from splitledger.services.views import ActivityItem, ActivityPage, GroupView

#: Items read at a time.
PAGE = 50
#: Lines of the last column a description, or a change, fills at most (a long value is
#: cut, with an ellipsis: the transaction screen shows a bill in full).
LINES_EACH = 3


def when(at: dt.datetime) -> str:
    """An item's time as shown (UTC, to the minute)."""
    return at.strftime("%Y-%m-%d %H:%M")


def item_text(item: ActivityItem, width: int = 60) -> Text:
    """An item's description and, one a line, its changes (old → new), plain, each cut
    to about `LINES_EACH` lines of a column `width` wide."""
    room = LINES_EACH * width
    text = Text(clip(item.description, room) if item.description else "", end="")
    for change in item.changes:
        field = visible(change.field)
        each = max(12, (room - len(field) - 5) // 2)
        old = clip(change.old, each) if change.old else "(none)"
        new = clip(change.new, each) if change.new else "(none)"
        if text.plain:
            text.append("\n")
        text.append(f"{field}: ", style="bold")
        text.append(old, style="red")
        text.append(" → ")
        text.append(new, style="green")
    return text


class ActivityScreen(LedgerScreen):
    """The activity of the group it was opened for."""

    DEFAULT_CSS = """
    #activity-body {
        padding: 0 1;
    }
    #activity {
        height: 1fr;
        margin-top: 1;
    }
    """

    HELP_TEXT = (
        "Everything that happened in the group, newest first: expenses recorded, edited "
        "(each changed field, old → new), deleted, restored and undone, payments, "
        "conversions, imports, members and rates, with who did it and when (UTC). m reads "
        "older changes. Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("m", "more", "Older"),
    ]

    def __init__(self, group: GroupView) -> None:
        super().__init__()
        self._group = group
        self.items: list[ActivityItem] = []
        #: Where the next, older page starts (None: no older items).
        self.before: int | None = None
        #: A read is in flight (a second `m` waits for it).
        self._reading = False
        self._text_column = ColumnKey("text")
        #: The last column's width (set to what the screen leaves it).
        self._width = 60

    @property
    def group(self) -> GroupView:
        """The group the screen was opened for."""
        return self._group

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="activity-body"):
            yield Static(
                Content.assemble(("Activity of ", "b"), plain(self._group.name, "b")),
                classes="screen-title",
            )
            yield Static("Reading the activity…", id="activity-status", classes="hint")
            yield DataTable(id="activity", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#activity", DataTable)
        table.add_column("When (UTC)", width=16, key="when")
        table.add_column("Who", width=10, key="who")
        table.add_column("What", width=15, key="kind")
        self._text_column = table.add_column("Description and changes", key="text")
        table.display = False

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The last column takes the width the others leave (its text wraps in it)."""
        table = self.query_one("#activity", DataTable)
        width = fill_last_column(table, self._text_column, (16, 10, 15), self.size.width)
        if width is not None:
            self._width = width
            self._fill()

    def reload(self) -> None:
        """Read the newest changes again, as many as are shown (at least a page)."""
        name, limit = self._group.name, max(PAGE, len(self.items))
        self._reading = True
        run_db(
            self,
            lambda ledger: ledger.activity(name, limit=limit),
            self._show,
            failed=self._failed,
            exclusive=True,
            group="activity",
            description="load activity",
        )

    def action_more(self) -> None:
        if self._reading:
            return
        if self.before is None:
            self.notify("That is everything: no older changes.")
            return
        name, before = self._group.name, self.before
        self._reading = True
        run_db(
            self,
            lambda ledger: ledger.activity(name, before=before, limit=PAGE),
            self._more,
            failed=self._failed,
            exclusive=True,
            group="activity",
            description="load older activity",
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def _failed(self, error: ServiceError) -> None:
        self._reading = False
        self.sl_app.show_error(error)

    def _show(self, page: ActivityPage) -> None:
        self._reading = False
        self.items = list(page.items)
        self.before = page.before if page.more else None
        self._fit()
        self._fill()

    def _more(self, page: ActivityPage) -> None:
        self._reading = False
        self.items += page.items
        self.before = page.before if page.more else None
        row = len(self.items) - len(page.items)
        self._fill()
        if page.items:
            self.query_one("#activity", DataTable).move_cursor(row=row)

    def _fill(self) -> None:
        """Show `items` (the cursor stays on its row)."""
        table = self.query_one("#activity", DataTable)
        row = table.cursor_row
        table.clear()
        for item in self.items:
            table.add_row(
                Text(when(item.at), end=""),
                Text(clip(item.actor, 10), end=""),
                Text(visible(item.kind.replace("_", " ")), end=""),
                item_text(item, self._width),
                height=None,
            )
        table.display = bool(self.items)
        count = len(self.items)
        if not count:
            status = "Nothing has happened in this group yet."
        else:
            status = f"{count} change{'s' if count != 1 else ''}, newest first"
            status += "; m reads older ones." if self.before is not None else "."
        self.query_one("#activity-status", Static).update(status)
        if count:
            table.move_cursor(row=min(row, count - 1))
            if self.focused is None:
                table.focus()
