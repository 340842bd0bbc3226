"""Import a file into a group from the app (and what the export screen shares).

The import does what `splitledger import` does (`services.interchange.import_file`):
every format of `interop.formats.READERS` (named by its own about text) and auto; the
generic CSV's mapping field appears when csv is chosen, and the Splitwise options
(`--unbalanced-to`, `--no-footer`) are there for the files that need them. First a dry
run, whose summary says which format was read (and whether it was detected), per member
what would change and whether each total matches the file's own (or the sums of its
cells) to the minor unit, and what the reader had to say; then, on confirmation, the
same import for real: all rows or none. Changing a field after the check asks for a new
check before importing.

The services report progress as rows done, without a total for reading: the bar is
indeterminate while a file is read and checked, and counts the transactions (their
number known from the check) while they are imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from splitledger.interop.formats import READERS
from splitledger.services.errors import InvalidInput, ServiceError
from splitledger.tui.field_errors import clear_field_errors, show_field_error
from splitledger.tui.formatting import money
from splitledger.tui.jobs import ledger_app, run_db
from splitledger.tui.safe import VisibleHighlighter, plain, plain_text, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.interchange import ImportOutcome
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView

#: (label, value) of every format the import reads: auto, then the registry's own.
IMPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("auto: tell the app from the file's content", "auto"),
    *((f"{name}: {reader.about}", name) for name, reader in READERS.items()),
)
#: Shown only when the generic CSV is chosen.
MAPPING_FORMAT = "csv"
_CSS = """
PortingScreen #porting-body {
    padding: 0 1;
}
PortingScreen .screen-title {
    margin-bottom: 1;
}
PortingScreen #progress-row {
    height: auto;
    display: none;
}
PortingScreen #progress-row.working {
    display: block;
}
PortingScreen #summary, PortingScreen #reconciliation {
    margin-top: 1;
    height: auto;
}
PortingScreen #mapping-row {
    height: auto;
}
"""


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """The fields an import was checked with (a change asks for a new check)."""

    fmt: str
    path: str
    group: str
    currency: str
    #: the generic CSV's --map (only read when the format is csv)
    mapping: str = ""
    unbalanced_to: str = ""
    no_footer: bool = False


def summary(outcome: ImportOutcome) -> tuple[Content, Table]:
    """What a dry run found, as the screen shows it: a few lines and, per member and
    currency, the change and the reconciliation (file against ledger)."""
    r = outcome.report
    how = "detected" if outcome.detected else "as chosen"
    lines = [
        Content.assemble(
            "Checked ",
            plain(outcome.source, "b"),
            " as ",
            plain(outcome.format, "b"),
            f" ({how}; nothing written yet).",
        )
    ]
    if r.created_group:
        lines.append(Content.assemble("A new group ", plain(r.group, "b"), " would be created."))
    if r.added_members:
        who = ", ".join(visible(m) for m in r.added_members)
        lines.append(Content.assemble("New members: ", plain(who)))
    rows = f"{outcome.transactions} transaction{'s' if outcome.transactions != 1 else ''}"
    lines.append(
        Content(f"{rows} in the file: {r.recorded} to record, {r.skipped} already on the ledger.")
    )
    if outcome.no_effect:
        lines.append(Content(f"{outcome.no_effect} row(s) change no balance and are left out."))
    if outcome.other_transactions:
        lines.append(
            Content(
                f"The group holds {outcome.other_transactions} other transaction(s), not counted."
            )
        )
    lines.extend(plain(note) for note in outcome.notes)
    source = "the file's own totals" if outcome.totals_from == "file" else "the file's cells"
    lines.append(
        Content.styled(f"Every total matches {source} exactly.", "$success")
        if outcome.ok
        else Content.styled(f"Totals differ from {source}: nothing can be imported.", "b $error")
    )
    table = Table(box=None, pad_edge=False, expand=False)
    for name, justify in (("Member", "left"), ("Change", "right"), ("File", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("Ledger after", justify="right")
    table.add_column("")
    for x in outcome.reconciliation:
        change = r.changes.get((x.member, x.currency), 0)
        table.add_row(
            plain_text(x.member),
            Text(money(change, x.currency, signed=True)),
            Text(money(x.file, x.currency)),
            Text(money(x.ledger, x.currency)),
            Text("ok", style="green") if x.ok else Text("MISMATCH", style="bold red"),
        )
    return Content("\n").join(lines), table


class PortingScreen(LedgerScreen):
    """What both screens share: a form, a progress bar, errors under their fields."""

    DEFAULT_CSS = _CSS
    LIVE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "run", "Run"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def _working(self, label: str | None, *, total: int | None = None, done: int = 0) -> None:
        """Show the progress bar with `label` (None: hide it); `total` None spins."""
        row = self.query_one("#progress-row")
        row.set_class(label is not None, "working")
        if label is not None:
            self.query_one("#progress-label", Static).update(label)
            self.query_one(ProgressBar).update(total=total, progress=done)

    def _field_error(self, error: ServiceError, fields: tuple[str, ...]) -> None:
        """Say `error` under its field (or as a notification if it names none here)."""
        self.busy = False
        self._working(None)
        field = error.field if isinstance(error, InvalidInput) else None
        if field in fields:
            self._say(field, plain(str(error), lines=True))
        else:
            ledger_app(self).show_error(error)

    def _say(self, field: str, error: str | Content) -> None:
        """Show `error` under `field`, and focus the field (scrolled into view)."""
        show_field_error(self, field, error)

    def _clear_errors(self) -> None:
        clear_field_errors(self)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        """The screen's main action (ctrl+s, Enter in a field)."""


class ImportScreen(PortingScreen):
    """Import any format the ledger reads: check (a dry run), then import."""

    HELP_TEXT = (
        "Give the file and the group (a new name creates the group; a currency is then "
        "needed unless the file tells it). The format is told from the file (auto) or "
        "chosen; csv reads any spreadsheet or bank statement through a mapping "
        "(date=Date,amount=Cost,payer=Paid by,… or a mapping file). ctrl+s or Enter "
        "checks the file without writing anything: the format read, per member what "
        "would change and whether the totals match the file. Then 'Import' records it "
        "all at once (or nothing). Rows already on the ledger are skipped, so importing "
        "a file twice adds nothing."
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "run", "Check")]
    FIELDS = ("file", "group", "currency", "format", "map", "unbalanced")

    def __init__(self, group: GroupView | None) -> None:
        super().__init__()
        self._group_name = group.name if group is not None else ""
        #: The fields of the last clean check, and what it found.
        self.checked: ImportRequest | None = None
        self.outcome: ImportOutcome | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="porting-body"):
            yield Static("[b]Import a file[/b]", classes="screen-title")
            yield Label("Format")
            yield Select(IMPORT_FORMATS, value="auto", allow_blank=False, id="format", compact=True)
            yield Static(classes="field-error", id="format-error")
            with Vertical(id="mapping-row"):
                yield Label("Columns (FIELD=COLUMN,… or a mapping file; see docs/cli.md)")
                yield Input(
                    placeholder="date=Date,amount=Cost,payer=Paid by,currency==EUR",
                    id="map",
                    compact=True,
                    highlighter=VisibleHighlighter(),
                )
                yield Static(classes="field-error", id="map-error")
            yield Label("File")
            yield Input(
                placeholder="~/Downloads/trip.csv",
                id="file",
                compact=True,
                highlighter=VisibleHighlighter(),
            )
            yield Static(classes="field-error", id="file-error")
            yield Label("Into the group (a new name creates it)")
            yield Input(
                self._group_name, id="group", compact=True, highlighter=VisibleHighlighter()
            )
            yield Static(classes="field-error", id="group-error")
            yield Label("Currency of a new group (default: the file's)")
            yield Input(id="currency", max_length=3, compact=True)
            yield Static(classes="field-error", id="currency-error")
            yield Label("Rows that do not balance go to (Splitwise: members who left)")
            yield Input(
                placeholder="leave empty to refuse them",
                id="unbalanced",
                compact=True,
                highlighter=VisibleHighlighter(),
            )
            yield Static(classes="field-error", id="unbalanced-error")
            yield Checkbox(
                "Import without a totals line (not reconciled against one)",
                id="no-footer",
                compact=True,
            )
            with Horizontal(id="progress-row"):
                yield ProgressBar(total=None, show_eta=False, id="progress")
                yield Static(id="progress-label", classes="hint")
            # The buttons under the summary: the import, focused after a check, brings
            # the summary into view above it.
            yield Static(id="summary")
            yield Static(id="reconciliation")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Check (ctrl+s)", id="check", compact=True)
                yield Button("Import", id="commit", variant="primary", compact=True, disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mapping-row").display = False
        self.query_one("#file", Input).focus()

    def request(self) -> ImportRequest:
        fmt = str(self.query_one("#format", Select).value)
        return ImportRequest(
            fmt=fmt,
            path=self.query_one("#file", Input).value.strip(),
            group=self.query_one("#group", Input).value.strip(),
            currency=self.query_one("#currency", Input).value.strip(),
            mapping=self.query_one("#map", Input).value.strip() if fmt == MAPPING_FORMAT else "",
            unbalanced_to=self.query_one("#unbalanced", Input).value.strip(),
            no_footer=self.query_one("#no-footer", Checkbox).value,
        )

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        self.query_one("#mapping-row").display = event.value == MAPPING_FORMAT

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.checked is not None and self.request() != self.checked:
            self.checked = None
            self.query_one("#commit", Button).disabled = True
            self.query_one("#summary", Static).update("Changed: check again (ctrl+s).")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "commit":
            self.action_commit()
        else:
            self.action_run()

    def _progress(self, total: int | None) -> Callable[[str, int], None]:
        """A progress callback for the services (called in the worker's thread)."""
        app = self.app

        def show(phase: str, done: int) -> None:
            if phase == "read":
                app.call_from_thread(self._working, f"reading: {done} rows…")
            else:
                label = f"{'importing' if total else 'checking'}: {done} transactions…"
                app.call_from_thread(self._working, label, total=total, done=done)

        return show

    def _run(self, req: ImportRequest, *, dry_run: bool, total: int | None) -> None:
        if self.busy:
            return
        self._clear_errors()
        if not req.path:
            self._say("file", "Give the file to import.")
            return
        if not req.group:
            self._say("group", "Give the group to import into.")
            return
        if req.fmt == MAPPING_FORMAT and not req.mapping:
            self._say("map", "Say which column holds what (date=Date,amount=Cost,…).")
            return
        self.busy = True
        self._working("reading…" if dry_run else "importing…", total=total)
        progress = self._progress(total)

        def job(ledger: Ledger) -> tuple[ImportOutcome, GroupView | None]:
            from splitledger.services import interchange

            mapping = interchange.parse_mapping(req.mapping) if req.mapping else None
            outcome = interchange.import_file(
                ledger,
                req.group,
                Path(req.path).expanduser(),
                req.fmt,
                dry_run=dry_run,
                currency=req.currency or None,
                progress=progress,
                unbalanced_to=req.unbalanced_to or None,
                no_footer=req.no_footer,
                mapping=mapping,
            )
            return outcome, None if dry_run else ledger.group(outcome.report.group)

        run_db(
            self,
            job,
            lambda found: self._done(req, *found),
            failed=lambda error: self._field_error(error, self.FIELDS),
            description="import dry run" if dry_run else "import",
        )

    def action_run(self) -> None:
        """Check the file: a dry run, nothing written."""
        self._run(self.request(), dry_run=True, total=None)

    def action_commit(self) -> None:
        """Import what the last check found (if the fields are still those)."""
        req, outcome = self.checked, self.outcome
        if req is None or outcome is None or req != self.request():
            self.notify("Check the file first (ctrl+s).", severity="warning")
            return
        self._run(req, dry_run=False, total=outcome.transactions)

    def _done(self, req: ImportRequest, outcome: ImportOutcome, group: GroupView | None) -> None:
        self.busy = False
        self._working(None)
        if outcome.dry_run:
            self.outcome = outcome
            self.checked = req if outcome.ok and outcome.report.recorded else None
            lines, table = summary(outcome)
            self.query_one("#summary", Static).update(lines)
            reconciliation = self.query_one("#reconciliation", Static)
            reconciliation.update(table)
            reconciliation.display = bool(outcome.reconciliation)
            commit = self.query_one("#commit", Button)
            commit.disabled = self.checked is None
            commit.label = f"Import {outcome.report.recorded} transaction(s)"
            if not commit.disabled:
                commit.focus()
            elif outcome.ok:
                self.notify("Nothing to import: every row is already on the ledger.")
            # The buttons close the body: scrolled to its end once the summary is laid
            # out (scrolling the button into view ran before a longer summary grew).
            body = self.query_one("#porting-body", VerticalScroll)
            self.call_after_refresh(body.scroll_end, animate=False)
            return
        r = outcome.report
        self.notify(
            f"Imported {r.recorded} transaction(s) into {visible(r.group)!r} "
            f"({r.skipped} already there).",
            title="Imported",
            markup=False,
        )
        if group is not None:
            self.app.call_later(ledger_app(self).open_group, group)
