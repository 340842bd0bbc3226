"""One transaction in detail: its note, its postings, its audit trail, its links (reverses,
reversed by, edit of) and, for an expense, every version of its bill with what each
change changed, who made it and when (ADR 0011). Edit and delete start here too; a
delete is a reversal, asked for with a confirmation.

Undo (`u`, ctrl+z, here and on the history) takes back the last deletion or edit made
in this app, once: the app remembers that change (`remember_*`), and undoing it
forgets it, so a second undo says there is nothing to undo rather than undoing the
undo.
"""

from __future__ import annotations

import json
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from splitledger.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.views import BillVersion, TxDetail, TxView
from splitledger.tui.formatting import money, tx_amount_text, version_kind
from splitledger.tui.jobs import run_db
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import clip, plain, plain_text
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.tui.screens.expense_form import ExpenseFormScreen


def edit_transaction(screen: LedgerScreen, tx: TxView) -> ExpenseFormScreen | None:
    """Open the expense form on `tx` (only a live expense can be edited); the form, or
    None if it did not open."""
    from splitledger.tui.screens.expense_form import ExpenseFormScreen

    if refuse_write(screen):
        return None
    if tx.kind != "expense":
        screen.notify(f"Only expenses can be edited; this is a {tx.kind}.", severity="warning")
    elif tx.reversed_by is not None:
        screen.notify(f"#{tx.id} was already replaced or deleted.", severity="warning")
    else:
        form = ExpenseFormScreen(editing=tx)
        # The form may record an edit (under its key) or nothing: undo finds out.
        remember(screen.app, _Change("edit", tx.id, tx.description, form_key=form.key))
        screen.app.push_screen(form)
        return form
    return None


def delete_transaction(screen: LedgerScreen, tx: TxView, then: Callable[[], None]) -> None:
    """Ask, then reverse `tx` in a worker and call `then`."""
    from splitledger.tui.screens.confirm import ConfirmScreen

    if refuse_write(screen):
        return
    if tx.kind == "reversal":
        screen.notify("A reversal cannot be deleted.", severity="warning")
        return
    if tx.reversed_by is not None:
        screen.notify(f"#{tx.id} is already deleted.", severity="warning")
        return

    def deleted(reversal: TxView) -> None:
        if tx.kind == "expense":  # (undo brings back expenses, not payments)
            remember(screen.app, _Change("deletion", tx.id, tx.description))
            screen.notify(f"Deleted #{tx.id} (reversal #{reversal.id}); u undoes.", markup=False)
        else:
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
        "It stays on the ledger, undone by a reversal; u undoes the deletion."
    )
    screen.app.push_screen(ConfirmScreen(question, yes="Delete"), answered)


# -- undo ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Change:
    """A change made in this app that undo can take back. A deletion: `tx_id` the
    deleted expense. An edit: `tx_id` the version edited, the new one recorded under
    `form_key` (the form may have recorded nothing: then `before` is the last change)."""

    kind: Literal["deletion", "edit"]
    tx_id: int
    description: str
    form_key: str | None = None
    before: _Change | None = None
    #: The undo's idempotency key: undoing again after a failure records it once.
    undo_key: str = ""


#: Per app, the last change made in it that has not been undone.
_LAST: weakref.WeakKeyDictionary[App[Any], _Change] = weakref.WeakKeyDictionary()


def remember(app: App[Any], change: _Change) -> None:
    _LAST[app] = replace(change, before=_LAST.get(app), undo_key=f"tui:undo:{uuid.uuid4()}")


@dataclass(frozen=True, slots=True)
class _Undone:
    change: _Change
    #: The version undone (an edit's new version; a deletion's deleted expense).
    undone_id: int
    result: TxView


def _edit_made(ledger: Ledger, change: _Change) -> int | None:
    """The version the edit form of `change` recorded, if it recorded one."""
    versions = ledger.bill_versions(change.tx_id)
    at = next((i for i, v in enumerate(versions) if v.tx_id == change.tx_id), None)
    if at is None or at + 1 >= len(versions) or versions[at + 1].kind != "edited":
        return None
    made = ledger.transaction(versions[at + 1].tx_id).tx
    return made.id if made.idempotency_key == change.form_key else None


def _undo(ledger: Ledger, change: _Change | None) -> _Undone | None:
    """Undo `change` (an edit that recorded nothing: the change before it); None when
    there is nothing to undo."""
    while change is not None:
        if change.kind == "deletion":
            return _Undone(change, change.tx_id, ledger.undo(change.tx_id, key=change.undo_key))
        made = _edit_made(ledger, change)
        if made is not None:
            return _Undone(change, made, ledger.undo(made, key=change.undo_key))
        change = change.before
    return None


def undo_last_change(screen: LedgerScreen, then: Callable[[], None]) -> None:
    """Undo the last deletion or edit made in this app (once), in a worker; say what
    was undone (or why nothing was) and call `then`."""
    app = screen.app
    if refuse_write(screen):
        return
    change = _LAST.pop(app, None)
    if change is None:
        screen.notify("Nothing to undo: no deletion or edit made here is left to undo.")
        return

    def done(undone: _Undone | None) -> None:
        if undone is None:
            screen.notify("Nothing to undo: no deletion or edit made here is left to undo.")
            return
        what, tx = undone.change, undone.result
        quoted = f"“{clip(what.description)}”"
        if what.kind == "deletion":
            message = f"Undone: the deletion of #{what.tx_id} {quoted}; it is back as #{tx.id}."
        else:
            message = (
                f"Undone: the edit of {quoted} (#{undone.undone_id}); "
                f"the version before is back as #{tx.id}."
            )
        screen.notify(message, title="Undo", markup=False)
        then()

    def failed(error: ServiceError) -> None:
        if not isinstance(error, Conflict | NotFound | InvalidInput) and app not in _LAST:
            _LAST[app] = change  # (the database was busy: the same undo can be tried again)
        screen.sl_app.show_error(error)

    run_db(screen, lambda ledger: _undo(ledger, change), done, failed=failed, description="undo")


def _detail(ledger: Ledger, tx_id: int) -> tuple[TxDetail, tuple[BillVersion, ...]]:
    """Transaction `tx_id` and, if it is (or reverses) an expense, its bill's versions."""
    detail = ledger.transaction(tx_id)
    if detail.tx.kind not in ("expense", "reversal"):
        return detail, ()
    try:
        return detail, ledger.bill_versions(tx_id)
    except InvalidInput:  # the reversal of a payment: no bill
        return detail, ()


class TransactionScreen(LedgerScreen):
    """Detail of transaction `tx_id`."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #postings, #audit {
        height: auto;
        margin: 0 1;
    }

    #versions {
        margin: 0 1 1 1;
    }

    #tx-head {
        padding: 1 1;
    }
    """

    HELP_TEXT = (
        "Postings: + means the group owes that member more (they paid), − that the member "
        "owes more (their share). An expense lists every version of its bill, oldest "
        "first: how it came to be (recorded, edited, deleted, restored, undone), who and "
        "when, and what each change changed (old → new). The audit trail lists who did "
        "what, when. o opens the linked transaction (the reversal, the original or the "
        "earlier version). u (or ctrl+z) undoes the last deletion or edit made in the "
        "app, once."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("u,ctrl+z", "undo", "Undo", key_display="u"),
        Binding("o", "open_link", "Open link"),
    ]

    def __init__(self, tx_id: int) -> None:
        super().__init__()
        self.tx_id = tx_id
        self.detail: TxDetail | None = None
        #: The versions of the bill (oldest first); empty if this is no expense's.
        self.versions: tuple[BillVersion, ...] = ()
        #: The expense form opened from here on this transaction, until it closes.
        self._form: ExpenseFormScreen | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="tx-body"):
            yield Static("Loading…", id="tx-head")
            yield DataTable(id="postings", cursor_type="none", show_cursor=False)
            yield Static(
                Content.styled("Versions of the bill", "b"), id="versions-title", classes="section"
            )
            yield Static(id="versions")
            yield Static("[b]Audit trail[/b]", classes="section")
            yield DataTable(id="audit", cursor_type="row")
        yield Footer()

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
            lambda ledger: _detail(ledger, tx_id),
            self._show,
            exclusive=True,
            group="tx",
            description="load transaction",
        )

    def _show(self, found: tuple[TxDetail, tuple[BillVersion, ...]]) -> None:
        detail, self.versions = found
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
        if tx.note:  # free text: plain, its line breaks kept
            head += ["\n", ("Note: ", "b"), plain(tx.note, lines=True)]
        self.query_one("#tx-head", Static).update(Content.assemble(*head))
        postings = self.query_one("#postings", DataTable)
        postings.clear()
        for p in tx.postings:
            style = "green" if p.minor > 0 else "red"
            postings.add_row(
                plain_text(p.member),
                Text(money(p.minor, p.currency, signed=True), style, justify="right"),
            )
        self._show_versions()
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
            self._form = edit_transaction(self, self.detail.tx)

    def on_screen_resume(self) -> None:
        """Back from an edit made here: show the version it recorded, not the one it
        replaced (which now reads "undone by reversal")."""
        form, self._form = self._form, None
        if form is not None and form.edited_to is not None:
            self.tx_id = form.edited_to
        super().on_screen_resume()

    def action_delete(self) -> None:
        if self.detail is not None:
            delete_transaction(self, self.detail.tx, self.reload)

    def _show_versions(self) -> None:
        shown = bool(self.versions)
        self.query_one("#versions-title").display = shown
        versions = self.query_one("#versions", Static)
        versions.display = shown
        if shown:
            versions.update(versions_content(self.versions, self.tx_id))

    def action_undo(self) -> None:
        undo_last_change(self, self.reload)

    def action_open_link(self) -> None:
        if self.detail is None:
            return
        tx = self.detail.tx
        target = tx.reversed_by or tx.reverses_id or tx.replaces_id
        if target is None:
            self.notify("This transaction links to no other.")
        else:
            self.app.push_screen(TransactionScreen(target))


def versions_content(versions: tuple[BillVersion, ...], shown: int) -> Content:
    """Each version of a bill, oldest first, on its own line (how it came to be, its
    transaction, who and when), with what its change changed below it, one field a
    line (old → new); the version `shown` is marked. Plain text throughout."""
    parts: list[str | Content | tuple[str, str]] = []
    for number, version in enumerate(versions, 1):
        if parts:
            parts.append("\n")
        parts += [
            (f"{number}. {version_kind(version.kind)}", "b"),
            f" #{version.tx_id} · {version.at.strftime('%Y-%m-%d %H:%M')} UTC · by ",
            plain(version.actor) if version.actor else "unknown",
        ]
        if version.kind == "deleted" and version.definition is None:
            parts.append(" · the expense was reversed")
        if version.tx_id == shown:
            parts.append(("  ← this transaction", "$accent"))
        for change in version.changes:
            parts += [
                "\n    ",
                (f"{change.field}: ", "b"),
                plain(change.old),
                (" → ", "$text-muted"),
                plain(change.new),
            ]
    return Content.assemble(*parts)


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
