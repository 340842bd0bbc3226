"""The ledger check (`Ledger.verify`, as `splitledger verify` runs it): every
transaction balances and matches its stored hash, and the stored balances match the
postings. It reads the whole ledger, which can take seconds: it runs in a worker while
the screen says it is checking, and runs again only when asked (`r`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, LoadingIndicator, Static
from textual.widgets.data_table import ColumnKey

from splitledger.tui.jobs import run_db
from splitledger.tui.safe import clip, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.table_fit import fill_last_column
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.errors import ServiceError
    from splitledger.services.views import VerifyReport


def verdict(report: VerifyReport) -> Text:
    """The check's outcome in one line."""
    tx, postings = report.transactions_checked, report.postings_checked
    checked = (
        f"{tx} transaction{'s' if tx != 1 else ''} and "
        f"{postings} posting{'s' if postings != 1 else ''}"
    )
    if report.ok:
        return Text(f"OK: {checked} check out.", style="bold green", end="")
    count = len(report.problems)
    return Text(
        f"{count} problem{'s' if count != 1 else ''} found in {checked}:",
        style="bold red",
        end="",
    )


class VerifyScreen(LedgerScreen):
    """The whole ledger's check (not one group's)."""

    DEFAULT_CSS = """
    #verify-body {
        padding: 0 1;
    }
    #verify-checking {
        height: 1;
        margin-top: 1;
    }
    #verify-status {
        margin-top: 1;
    }
    #problems {
        height: 1fr;
        margin-top: 1;
    }
    """

    LIVE = False
    HELP_TEXT = (
        "Checks the whole ledger: each transaction's postings sum to zero and match the "
        "hash stored when it was recorded, and the stored balances match the postings. "
        "A problem names its transaction and group; `splitledger verify` says the same. "
        "r checks again. Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "check", "Check again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: VerifyReport | None = None
        self._checking = False
        self._started = False
        self._message = ColumnKey("message")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="verify-body"):
            yield Static(Content.styled("Ledger check", "b"), classes="screen-title")
            yield LoadingIndicator(id="verify-checking")
            yield Static("Checking every transaction…", id="verify-status", classes="hint")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        table.add_column("Problem", width=16, key="code")
        table.add_column("Tx", width=7, key="tx")
        table.add_column("Group", width=14, key="group")
        self._message = table.add_column("What is wrong", key="message")
        table.display = False

    def on_resize(self) -> None:
        """The message column takes the width the others leave (messages wrap in it)."""
        table = self.query_one("#problems", DataTable)
        width = fill_last_column(table, self._message, (16, 7, 14), self.size.width)
        if width is not None and self.report is not None and not self._checking:
            self._show(self.report)

    def on_screen_resume(self) -> None:
        """Check once when shown; coming back from help does not check again."""
        if not self._started:
            self._started = True
            self.reload()

    def reload(self) -> None:
        self.action_check()

    def action_check(self) -> None:
        if self._checking:
            return
        self._checking = True
        self.query_one("#verify-checking", LoadingIndicator).display = True
        self.query_one("#verify-status", Static).update("Checking every transaction…")
        self.query_one("#problems", DataTable).display = False
        run_db(
            self,
            lambda ledger: ledger.verify(),
            self._show,
            failed=self._failed,
            exclusive=True,
            group="verify",
            description="verify ledger",
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def _failed(self, error: ServiceError) -> None:
        self._checking = False
        self.query_one("#verify-checking", LoadingIndicator).display = False
        self.query_one("#verify-status", Static).update("The check could not run.")
        self.sl_app.show_error(error)

    def _show(self, report: VerifyReport) -> None:
        self._checking = False
        self.report = report
        self.query_one("#verify-checking", LoadingIndicator).display = False
        self.query_one("#verify-status", Static).update(verdict(report))
        table = self.query_one("#problems", DataTable)
        table.clear()
        for problem in report.problems:
            table.add_row(
                Text(visible(problem.code), end=""),
                Text("" if problem.transaction_id is None else f"#{problem.transaction_id}"),
                Text(clip(problem.group, 14) if problem.group else "", end=""),
                Text(visible(problem.message), end=""),
                height=None,
            )
        table.display = not report.ok
        if not report.ok:
            table.focus()
