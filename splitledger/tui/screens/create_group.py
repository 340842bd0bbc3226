"""A dialog to create a group: its name, currency and first members."""

from __future__ import annotations

import uuid
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from splitledger.services.errors import InvalidInput, ServiceError
from splitledger.services.views import GroupView
from splitledger.tui.field_errors import clear_field_errors, show_field_error
from splitledger.tui.jobs import ledger_app, run_db
from splitledger.tui.safe import VisibleHighlighter


def split_names(text: str) -> list[str]:
    """ "Ann, Bob ,, Cy" → ["Ann", "Bob", "Cy"]."""
    return [name.strip() for name in text.split(",") if name.strip()]


class CreateGroupScreen(ModalScreen[GroupView | None]):
    """Returns the new group, or None if cancelled."""

    HELP_TEXT: ClassVar[str] = (
        "Members are separated by commas; you can add more later. The currency is an "
        "ISO 4217 code such as EUR, USD, JPY or BDT."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Create"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._key = f"tui:{uuid.uuid4()}"
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]New group[/b]", classes="dialog-title")
            yield Label("Name")
            yield Input(
                placeholder="Flat 3B, Lisbon trip…",
                id="name",
                compact=True,
                highlighter=VisibleHighlighter(),
            )
            yield Static(classes="field-error", id="name-error")
            yield Label("Currency")
            yield Input("EUR", id="currency", max_length=3, compact=True)
            yield Static(classes="field-error", id="currency-error")
            yield Label("Members (comma-separated)")
            yield Input(
                placeholder="Alice, Bob, Chandra",
                id="members",
                compact=True,
                highlighter=VisibleHighlighter(),
            )
            yield Static(classes="field-error", id="members-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "members":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self._saving:
            return
        clear_field_errors(self)
        name = self.query_one("#name", Input).value
        currency = self.query_one("#currency", Input).value
        members = split_names(self.query_one("#members", Input).value)
        self._saving = True
        run_db(
            self,
            lambda ledger: ledger.create_group(name, currency, members, key=self._key),
            self._done,
            failed=self._failed,
            description="create group",
        )

    def _done(self, group: GroupView) -> None:
        self._saving = False
        self.dismiss(group)

    def _failed(self, error: ServiceError) -> None:
        self._saving = False
        field = error.field if isinstance(error, InvalidInput) else None
        if field in {"name", "currency", "members"}:
            show_field_error(self, field, str(error))
        else:
            ledger_app(self).show_error(error)
