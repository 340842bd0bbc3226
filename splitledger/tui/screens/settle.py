"""Settle up: the fewest transfers that zero every balance; mark them paid, export
them to CSV, or copy them as text to paste into a chat."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from splitledger.domain import Transfer
from splitledger.services.ledger import Ledger
from splitledger.tui.formatting import money, transfer_text
from splitledger.tui.jobs import run_db
from splitledger.tui.plan_csv import write_plan
from splitledger.tui.safe import plain_text, visible, visible_lines
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import LedgerFooter
from splitledger.tui.widgets.header import LedgerHeader


def default_csv_name(group: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", group).strip("-").lower() or "group"
    return f"settle-{slug}.csv"


class SettleScreen(LedgerScreen):
    """The settle-up plan of the current group."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #settle-status {
        padding: 1 1 0 1;
    }
    """

    HELP_TEXT = (
        "The fewest transfers that bring every balance to zero. Mark one (p) or all (a) as "
        "paid once the money has moved: each is recorded as a payment. x exports the plan "
        "to CSV; c copies it as text."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("p", "pay_one", "Mark paid"),
        Binding("a", "pay_all", "Mark all paid"),
        Binding("x", "export", "Export CSV"),
        Binding("c", "copy", "Copy text"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: list[Transfer] = []
        self._key = f"tui-settle:{uuid.uuid4()}"
        self._plan_no = 0

    def compose(self) -> ComposeResult:
        yield LedgerHeader()
        yield Static("[b]Settle up[/b]", classes="screen-title")
        yield Static("Working out the plan…", id="settle-status")
        yield DataTable(id="plan", cursor_type="row", zebra_stripes=True)
        yield Static(id="settle-text", classes="hint")
        yield LedgerFooter()

    def on_mount(self) -> None:
        table = self.query_one("#plan", DataTable)
        table.add_column("Who pays", width=20, key="payer")
        table.add_column("Whom", width=20, key="payee")
        table.add_column(Text("Amount", justify="right"), width=18, key="amount")

    def reload(self) -> None:
        name = self.group.name
        run_db(
            self,
            lambda ledger: ledger.settle_plan(name),
            self._show,
            exclusive=True,
            group="settle",
            description="settle plan",
        )

    def _show(self, plan: list[Transfer]) -> None:
        if plan != self.plan:
            self._plan_no += 1
        self.plan = plan
        table = self.query_one("#plan", DataTable)
        row = table.cursor_row
        table.display = bool(plan)
        table.clear()
        for t in plan:
            table.add_row(
                plain_text(t.payer),
                plain_text(t.payee),
                Text(money(t.minor, t.currency), justify="right"),
            )
        if plan:
            table.move_cursor(row=min(row, len(plan) - 1))
            status = Content(
                "1 transfer settles everyone up:"
                if len(plan) == 1
                else f"{len(plan)} transfers settle everyone up:"
            )
        else:
            status = Content.assemble(("All settled:", "b $success"), " nobody owes anybody.")
        self.query_one("#settle-status", Static).update(status)
        self.query_one("#settle-text", Static).update(Content(self.summary()))  # (visible)
        table.focus()

    def summary(self) -> str:
        """The plan as plain lines, for a chat message (names visible: no control
        character goes to the clipboard either)."""
        return "\n".join(transfer_text(t) for t in self.plan)

    # -- paying --------------------------------------------------------------------

    def _transfer_key(self, t: Transfer) -> str:
        """The same transfer of the same plan always gets the same key, so a double
        press or a retry records it once."""
        return f"{self._key}:{self._plan_no}:{t.payer}>{t.payee}:{t.currency}:{t.minor}"

    def action_pay_one(self) -> None:
        table = self.query_one("#plan", DataTable)
        if not self.plan:
            return
        transfer = self.plan[min(table.cursor_row, len(self.plan) - 1)]
        self._confirm_and_pay([transfer], f"Record that {transfer_text(transfer)}?")

    def action_pay_all(self) -> None:
        if len(self.plan) == 1:
            self._confirm_and_pay(list(self.plan), f"Record that {transfer_text(self.plan[0])}?")
        elif self.plan:
            count = len(self.plan)
            self._confirm_and_pay(list(self.plan), f"Record all {count} transfers as paid?")

    def _confirm_and_pay(self, transfers: list[Transfer], question: str) -> None:
        from splitledger.tui.screens.confirm import ConfirmScreen

        name = self.group.name
        keys = [self._transfer_key(t) for t in transfers]

        def pay(ledger: Ledger) -> int:
            for transfer, key in zip(transfers, keys, strict=True):
                ledger.record_settlement(name, [transfer], key=key)
            return len(transfers)

        def answered(yes: bool | None) -> None:
            if yes:
                run_db(self, pay, self._paid, description="record settlement")

        self.app.push_screen(ConfirmScreen(question, yes="Paid"), answered)

    def _paid(self, count: int) -> None:
        self.notify(f"Recorded {count} payment{'s' if count != 1 else ''}.")
        self.reload()

    # -- sharing -------------------------------------------------------------------

    def action_copy(self) -> None:
        if not self.plan:
            self.notify("Nothing to copy: everyone is settled.")
            return
        self.app.copy_to_clipboard(self.summary())
        self.notify("Copied the plan to the clipboard.")

    def action_export(self) -> None:
        from splitledger.tui.screens.prompt import PromptScreen

        if not self.plan:
            self.notify("Nothing to export: everyone is settled.")
            return
        plan = list(self.plan)

        def chosen(answer: str | None) -> None:
            if answer:
                self.export_to(Path(answer), plan)

        self.app.push_screen(
            PromptScreen(
                "Export the plan",
                "CSV file (a new file; relative to the current directory)",
                default_csv_name(self.group.name),
                action="Export",
            ),
            chosen,
        )

    def export_to(self, path: Path, plan: list[Transfer]) -> None:
        """Write the plan in a worker (file IO stays off the event loop)."""
        self.run_worker(
            lambda: write_plan(path, plan),
            thread=True,
            exit_on_error=False,
            group="export",
            name="export plan",
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export":
            return
        if worker.state == WorkerState.SUCCESS:
            self.notify(visible(f"Exported the plan to {worker.result}."), markup=False)
        elif worker.state == WorkerState.ERROR:
            error = worker.error
            reason = (
                "it already exists"
                if isinstance(error, FileExistsError)
                else str(error).removeprefix("file: ")
            )
            self.notify(
                visible_lines(f"Could not export: {reason}"), severity="error", markup=False
            )
