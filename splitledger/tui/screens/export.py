"""Export a group to a file from the app: what `splitledger export --output FILE`
writes, all or nothing and readable by its owner only (`services.files.private_file`);
an existing file is replaced only once the user says so."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, ProgressBar, Select, Static

from splitledger.tui.jobs import run_db
from splitledger.tui.safe import VisibleHighlighter, plain, visible
from splitledger.tui.screens.porting import PortingScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.interchange import ExportFormat
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView

EXPORT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("CSV (one row per posting)", "csv", "csv"),
    ("JSON backup (import restores it)", "json", "json"),
    ("hledger journal", "hledger", "journal"),
    ("beancount ledger", "beancount", "beancount"),
)
_EXTENSIONS = {fmt: ext for _label, fmt, ext in EXPORT_FORMATS}


def default_export_name(group: str, fmt: str) -> str:
    """A file name for `group` in `fmt`: letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", visible(group).lower()).strip("-")[:40] or "group"
    return f"{slug}.{_EXTENSIONS.get(fmt, fmt)}"


class ExportScreen(PortingScreen):
    """Export the group to a file in one of the formats."""

    HELP_TEXT = (
        "Writes the group's whole history: CSV (one row per posting), a JSON backup "
        "(Import restores it), or an hledger or beancount journal. The file is written "
        "all at once, readable by you only; a relative path is from the folder the app "
        "was started in. An existing file is replaced only if you say so."
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "run", "Export")]
    FIELDS = ("file", "format")

    def __init__(self, group: GroupView) -> None:
        super().__init__()
        self._group_name = group.name
        self._named = default_export_name(group.name, "json")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="porting-body"):
            yield Static(
                Content.assemble(("Export ", "b"), plain(self._group_name, "b")),
                classes="screen-title",
            )
            yield Label("Format")
            yield Select(
                [(label, fmt) for label, fmt, _ in EXPORT_FORMATS],
                value="json",
                allow_blank=False,
                id="format",
                compact=True,
            )
            yield Static(classes="field-error", id="format-error")
            yield Label("File")
            yield Input(self._named, id="file", compact=True, highlighter=VisibleHighlighter())
            yield Static(classes="field-error", id="file-error")
            yield Static(plain(f"A relative path is from {os.getcwd()}"), classes="hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (ctrl+s)", id="export", variant="primary", compact=True)
            with Horizontal(id="progress-row"):
                yield ProgressBar(total=None, show_eta=False, id="progress")
                yield Static(id="progress-label", classes="hint")
            yield Static(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#file", Input).focus()

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#file", Input)
        if path.value == self._named:  # not typed by the user: follow the format
            self._named = default_export_name(self._group_name, str(event.value))
            path.value = self._named

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    def action_run(self, replace: bool = False) -> None:
        if self.busy:
            return
        self._clear_errors()
        target = self.query_one("#file", Input).value.strip()
        if not target:
            self._say("file", "Give the file to write.")
            return
        fmt = cast("ExportFormat", str(self.query_one("#format", Select).value))
        name = self._group_name
        self.busy = True
        self._working("exporting…")

        def job(ledger: Ledger) -> tuple[str, int | None]:
            from splitledger.services import interchange
            from splitledger.services.files import private_file

            path = Path(target).expanduser().absolute()
            if path.exists() and not replace:
                return str(path), None
            ledger.group(name)  # an unknown group fails before any file is created
            with private_file(path, field="file") as out:
                return str(path), interchange.export_group(ledger, name, fmt, out)

        run_db(
            self,
            job,
            lambda found: self._done(fmt, *found),
            failed=lambda error: self._field_error(error, self.FIELDS),
            description="export",
        )

    def _done(self, fmt: str, path: str, count: int | None) -> None:
        from splitledger.tui.screens.confirm import ConfirmScreen

        self.busy = False
        self._working(None)
        if count is None:

            def answered(replace: bool | None) -> None:
                if replace:
                    self.action_run(replace=True)

            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Replace it?", yes="Replace"), answered
            )
            return
        unit = "row" if fmt == "csv" else "transaction"
        said = f"Wrote {count} {unit}{'s' if count != 1 else ''} to {visible(path)}."
        self.query_one("#summary", Static).update(plain(said))
        self.notify(said, title="Exported", markup=False)
