"""All groups of the ledger: switch, create, rename."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from splitledger.services.views import GroupView
from splitledger.tui.jobs import run_db
from splitledger.tui.safe import clip, visible
from splitledger.tui.screens.base import LedgerScreen


class GroupsScreen(LedgerScreen):
    """Enter opens the highlighted group."""

    HELP_TEXT = "Every group of this ledger. Enter opens one; n creates one; r renames one."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "new_group", "New group"),
        Binding("r", "rename", "Rename"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._groups: list[GroupView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("[b]Groups[/b]", classes="screen-title")
        yield OptionList(id="groups")
        yield Footer()

    def reload(self) -> None:
        run_db(
            self,
            lambda ledger: ledger.groups(),
            self._show,
            exclusive=True,
            group="groups",
            description="load groups",
        )

    def _show(self, groups: list[GroupView]) -> None:
        self._groups = groups
        options = self.query_one("#groups", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        current = self.sl_app.group
        for group in groups:
            mark = "● " if current is not None and group.id == current.id else "  "
            members = ", ".join(group.members) or "no members"
            options.add_option(
                Option(
                    Content(visible(f"{mark}{group.name}  ·  {group.currency}  ·  {members}")),
                    id=str(group.id),
                )
            )
        if groups:
            options.highlighted = min(highlighted or 0, len(groups) - 1)
        options.focus()

    def _highlighted(self) -> GroupView | None:
        index = self.query_one("#groups", OptionList).highlighted
        return self._groups[index] if index is not None and index < len(self._groups) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        group = self._groups[event.option_index]
        self.app.call_later(self.sl_app.open_group, group)

    def action_new_group(self) -> None:
        from splitledger.tui.screens.create_group import CreateGroupScreen

        self.app.push_screen(CreateGroupScreen(), self._created)

    def _created(self, group: GroupView | None) -> None:
        if group is not None:
            self.app.call_later(self.sl_app.open_group, group)

    def action_rename(self) -> None:
        from splitledger.tui.screens.prompt import PromptScreen

        group = self._highlighted()
        if group is None:
            return

        def rename(new: str | None) -> None:
            if new and new != visible(group.name):  # (the prompt starts with it as shown)
                run_db(
                    self,
                    lambda ledger: ledger.rename_group(group.name, new),
                    self._renamed,
                    description="rename group",
                )

        self.app.push_screen(
            PromptScreen("Rename group", "New name", group.name, action="Rename"), rename
        )

    def _renamed(self, group: GroupView) -> None:
        current = self.sl_app.group
        if current is not None and current.id == group.id:
            self.sl_app.group_changed(group)
        self.notify(f"Renamed to {clip(group.name)}.", markup=False)
        self.reload()
