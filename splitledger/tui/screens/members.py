"""Members of the current group: add and rename (with their balances)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from splitledger.services.views import BalancesView, GroupView
from splitledger.tui.formatting import money
from splitledger.tui.jobs import run_db
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import clip, plain, plain_text, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer


class MembersScreen(LedgerScreen):
    """a adds members, r renames the highlighted one, x removes it (at a zero balance)."""

    HELP_TEXT = (
        "The members of this group and their balances. Add several at once by separating "
        "names with commas. A member can be removed only at a zero balance (settle up "
        "first); their history stays, and adding the name again restores them."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "add", "Add members"),
        Binding("r", "rename", "Rename"),
        Binding("x", "remove", "Remove"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: The names in the table, as stored (the table shows them visible).
        self._names: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="members-title", classes="screen-title")
        yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        table.add_column("Member", width=24, key="member")
        table.add_column(Text("Balance", justify="right"), width=18, key="balance")

    def reload(self) -> None:
        name = self.group.name
        run_db(
            self,
            lambda ledger: ledger.balances(name),
            self._show,
            exclusive=True,
            group="members",
            description="load members",
        )

    def _show(self, view: BalancesView) -> None:
        self.query_one("#members-title", Static).update(
            Content.assemble(("Members of ", "b"), plain(view.group, "b"))
        )
        table = self.query_one("#members", DataTable)
        row = table.cursor_row
        table.clear()
        self._names = []
        for b in view.balances:
            if b.currency == view.currency:
                self._names.append(b.member)
                table.add_row(
                    plain_text(b.member),
                    Text(money(b.minor, b.currency, signed=True), justify="right"),
                    key=b.member,
                )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        table.focus()

    def _highlighted(self) -> str | None:
        """The highlighted member's name as stored (not as shown)."""
        table = self.query_one("#members", DataTable)
        if not table.row_count or table.cursor_row >= len(self._names):
            return None
        return self._names[table.cursor_row]

    def action_add(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        from splitledger.tui.screens.create_group import split_names
        from splitledger.tui.screens.prompt import PromptScreen

        name = self.group.name

        def add(prompt: PromptScreen, text: str) -> None:
            names = split_names(text)
            if not names:
                prompt.refuse("Type a name (several: separated by commas).")
                return
            prompt.write(
                lambda ledger: ledger.add_members(name, names),
                self._changed,
                description="add members",
            )

        self.app.push_screen(
            PromptScreen("Add members", "Names (comma-separated)", action="Add", submit=add)
        )

    def action_rename(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        from splitledger.tui.screens.prompt import PromptScreen

        old = self._highlighted()
        if old is None:
            return
        name = self.group.name

        def rename(prompt: PromptScreen, new: str) -> None:
            if new == visible(old):  # unchanged (the prompt starts with the name as shown)
                prompt.dismiss(None)
                return
            prompt.write(
                lambda ledger: ledger.rename_member(name, old, new),
                self._changed,
                description="rename member",
            )

        self.app.push_screen(
            PromptScreen(
                f"Rename {clip(old)}", "New name", visible(old), action="Rename", submit=rename
            )
        )

    def action_remove(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        from splitledger.tui.screens.confirm import ConfirmScreen

        member = self._highlighted()
        if member is None:
            return
        name = self.group.name

        def answered(yes: bool | None) -> None:
            if yes:
                run_db(
                    self,
                    lambda ledger: ledger.remove_member(name, member),
                    self._changed,
                    description="remove member",
                )

        question = f"Remove {clip(member)} from {clip(name)}? Their history stays."
        self.app.push_screen(ConfirmScreen(question, yes="Remove"), answered)

    def _changed(self, group: GroupView) -> None:
        self.sl_app.group_changed(group)
        self.reload()
