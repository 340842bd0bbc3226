"""All groups of the ledger: switch, create, rename, archive.

Archived groups (read-only, ADR 0018) are left out as `group list` leaves them out;
`v` shows them too, marked. `a` archives the highlighted group, or unarchives an
archived one, after a confirmation: archiving is undone as easily, but a group that
disappears from the list should not do so by a stray key."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from splitledger.services.views import GroupView
from splitledger.tui.jobs import run_db, run_write
from splitledger.tui.safe import clip, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger


class GroupsScreen(LedgerScreen):
    """Enter opens the highlighted group."""

    HELP_TEXT = (
        "Every group of this ledger. Enter opens one; n creates one; r renames one. "
        "Archived groups (read-only: their balances, history and reports stay readable, "
        "nothing can be recorded) are hidden: v shows them too. a archives the highlighted "
        "group, or unarchives an archived one (asked first)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "new_group", "New group"),
        Binding("r", "rename", "Rename"),
        Binding("a", "archive", "Archive"),
        Binding("v", "show_archived", "Archived"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._groups: list[GroupView] = []
        #: Whether archived groups are listed too (`v`).
        self.show_archived = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("[b]Groups[/b]", classes="screen-title")
        yield OptionList(id="groups")
        yield Static(id="groups-hint", classes="hint")
        yield Footer()

    def reload(self) -> None:
        everything = self.show_archived
        run_db(
            self,
            lambda ledger: ledger.groups(include_archived=everything),
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
            line = Content(visible(f"{mark}{group.name}  ·  {group.currency}  ·  {members}"))
            if group.archived:
                line = Content.assemble(line.stylize("dim"), ("  (archived)", "$warning"))
            options.add_option(Option(line, id=str(group.id)))
        if groups:
            options.highlighted = min(highlighted or 0, len(groups) - 1)
        hint = (
            "Archived groups are listed too (v hides them)."
            if self.show_archived
            else "Archived groups are hidden (v shows them)."
        )
        self.query_one("#groups-hint", Static).update(hint)
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

        def rename(prompt: PromptScreen, new: str) -> None:
            if new == visible(group.name):  # unchanged (the prompt starts with it as shown)
                prompt.dismiss(None)
                return
            prompt.write(
                lambda ledger: ledger.rename_group(group.name, new),
                self._renamed,
                description="rename group",
            )

        self.app.push_screen(
            PromptScreen("Rename group", "New name", group.name, action="Rename", submit=rename)
        )

    def action_show_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()

    def action_archive(self) -> None:
        """Archive the highlighted group (unarchive an archived one), asked first."""
        from splitledger.tui.screens.confirm import ConfirmScreen

        group = self._highlighted()
        if group is None:
            return
        name, archiving = group.name, not group.archived
        if archiving:
            question = (
                f"Archive {clip(name, 120)}? It becomes read-only (nothing can be recorded "
                "in it) and is hidden from the group list (v lists it again; a then unarchives it)."
            )
        else:
            question = f"Unarchive {clip(name, 120)}? It can be changed again."

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def change(ledger: Ledger) -> GroupView:
                if archiving:
                    return ledger.archive_group(name)
                return ledger.unarchive_group(name)

            run_write(self, change, self._archived, what="Archiving" if archiving else "Saving")

        self.app.push_screen(
            ConfirmScreen(question, yes="Archive" if archiving else "Unarchive"), answered
        )

    def _archived(self, group: GroupView) -> None:
        current = self.sl_app.group
        if current is not None and current.id == group.id:
            self.sl_app.group_changed(group)  # its screens are read-only (or not) now
        state = "archived: read-only" if group.archived else "unarchived: it can be changed"
        self.notify(f"{clip(group.name)} is {state}.", markup=False)
        self.reload()

    def _renamed(self, group: GroupView) -> None:
        current = self.sl_app.group
        if current is not None and current.id == group.id:
            self.sl_app.group_changed(group)
        self.notify(f"Renamed to {clip(group.name)}.", markup=False)
        self.reload()
