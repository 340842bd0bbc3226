"""One transaction in detail: its postings, its audit trail and its links (reverses,
reversed by, edit of). Edit and delete start here too; a delete is a reversal, asked
for with a confirmation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from splitledger.services.views import TxDetail, TxView
from splitledger.tui.formatting import money, tx_amount_text
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import clip, plain, plain_text
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import LedgerFooter
from splitledger.tui.widgets.header import LedgerHeader


def edit_transaction(screen: LedgerScreen, tx: TxView) -> None:
    """Open the expense form on `tx` (only a live expense can be edited)."""
    from splitledger.tui.screens.expense_form import ExpenseFormScreen

    if tx.kind != "expense":
        screen.notify(f"Only expenses can be edited; this is a {tx.kind}.", severity="warning")
    elif tx.reversed_by is not None:
        screen.notify(f"#{tx.id} was already replaced or deleted.", severity="warning")
    else:
        screen.app.push_screen(ExpenseFormScreen(editing=tx))


def delete_transaction(screen: LedgerScreen, tx: TxView, then: Callable[[], None]) -> None:
    """Ask, then reverse `tx` in a worker and call `then`."""
    from splitledger.tui.screens.confirm import ConfirmScreen

    if tx.kind == "reversal":
        screen.notify("A reversal cannot be deleted.", severity="warning")
        return
    if tx.reversed_by is not None:
        screen.notify(f"#{tx.id} is already deleted.", severity="warning")
        return

    def deleted(reversal: TxView) -> None:
        screen.notify(f"Deleted #{tx.id} (reversal #{reversal.id}).", markup=False)
        then()

    def answered(yes: bool | None) -> None:
        if yes:
            run_db(
                screen,
                lambda ledger: ledger.reverse(tx.id),
                deleted,
                description="delete transaction",
            )

    question = (
        f"Delete #{tx.id} “{clip(tx.description, 120)}” ({tx_amount_text(tx)})?\n\n"
        "It stays in the history, undone by a reversal."
    )
    screen.app.push_screen(ConfirmScreen(question, yes="Delete"), answered)


class TransactionScreen(LedgerScreen):
    """Detail of transaction `tx_id`."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #postings, #audit {
        height: auto;
        margin: 0 1;
    }

    #tx-head {
        padding: 1 1;
    }
    """

    HELP_TEXT = (
        "Postings: + means the group owes that member more (they paid), − that the member "
        "owes more (their share). The audit trail lists who did what, when. o opens the "
        "linked transaction (the reversal, the original or the earlier version)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("o", "open_link", "Open link"),
    ]

    def __init__(self, tx_id: int) -> None:
        super().__init__()
        self.tx_id = tx_id
        self.detail: TxDetail | None = None

    def compose(self) -> ComposeResult:
        yield LedgerHeader()
        with VerticalScroll(id="tx-body"):
            yield Static("Loading…", id="tx-head")
            yield DataTable(id="postings", cursor_type="none", show_cursor=False)
            yield Static("[b]Audit trail[/b]", classes="section")
            yield DataTable(id="audit", cursor_type="row")
        yield LedgerFooter()

    def on_mount(self) -> None:
        postings = self.query_one("#postings", DataTable)
        postings.add_column("Member", width=24)
        postings.add_column(Text("Amount", justify="right"), width=18)
        audit = self.query_one("#audit", DataTable)
        audit.add_column("When (UTC)")
        audit.add_column("Who")
        audit.add_column("What")
        audit.add_column("Details")

    def reload(self) -> None:
        tx_id = self.tx_id
        run_db(
            self,
            lambda ledger: ledger.transaction(tx_id),
            self._show,
            exclusive=True,
            group="tx",
            description="load transaction",
        )

    def _show(self, detail: TxDetail) -> None:
        self.detail = detail
        tx = detail.tx
        links: list[str | tuple[str, str]] = []
        if tx.reverses_id is not None:
            links.append(f"reverses #{tx.reverses_id}")
        if tx.replaces_id is not None:
            links.append(f"new version of #{tx.replaces_id}")
        if tx.reversed_by is not None:
            links.append((f"undone by reversal #{tx.reversed_by}", "b $warning"))
        # Stored text is plain and visible (Content pieces, never markup).
        head: list[str | Content | tuple[str, str]] = [
            (f"#{tx.id} ", "b"),
            plain(tx.description, "b"),
            f"\n{tx.kind} · {tx.date.isoformat()} · ",
            plain(tx.category) if tx.category else "no category",
            f" · {tx_amount_text(tx)} · by ",
            plain(tx.actor) if tx.actor else "unknown",
        ]
        for index, link in enumerate(links):
            head += ["\n" if index == 0 else " · ", link]
        self.query_one("#tx-head", Static).update(Content.assemble(*head))
        postings = self.query_one("#postings", DataTable)
        postings.clear()
        for p in tx.postings:
            style = "green" if p.minor > 0 else "red"
            postings.add_row(
                plain_text(p.member),
                Text(money(p.minor, p.currency, signed=True), style, justify="right"),
            )
        audit = self.query_one("#audit", DataTable)
        audit.clear()
        for entry in detail.audit:
            audit.add_row(
                Text(entry.at.strftime("%Y-%m-%d %H:%M:%S")),
                plain_text(entry.actor),
                plain_text(entry.action),
                plain_text(_payload_summary(entry.payload)),
            )

    def action_edit(self) -> None:
        if self.detail is not None:
            edit_transaction(self, self.detail.tx)

    def action_delete(self) -> None:
        if self.detail is not None:
            delete_transaction(self, self.detail.tx, self.reload)

    def action_open_link(self) -> None:
        if self.detail is None:
            return
        tx = self.detail.tx
        target = tx.reversed_by or tx.reverses_id or tx.replaces_id
        if target is None:
            self.notify("This transaction links to no other.")
        else:
            self.app.push_screen(TransactionScreen(target))


def _payload_summary(payload: str) -> str:
    """A short line from an audit payload (JSON text)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload[:60]
    if not isinstance(data, dict):
        return str(data)[:60]
    parts = [f"{k}={data[k]}" for k in ("date", "key", "reverses", "replaces") if data.get(k)]
    return ", ".join(parts)[:80]
