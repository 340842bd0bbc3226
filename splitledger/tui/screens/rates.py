"""The exchange rates of a group: list them (newest first), add one, import a file.

A rate says that from its date on, 1 BASE = RATE QUOTE; conversions use the newest rate
on or before their day, in either direction. The import reads a `date,base,quote,rate`
CSV file exactly as `splitledger rate import` does (`interop.rates_csv`, then
`Ledger.import_rates`: all rows or none, a rate already there counted, not doubled);
what is wrong with a file is said with its row and column."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.tui.field_errors import clear_field_errors, show_field_error
from splitledger.tui.jobs import WriteJob, run_db, run_write
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import plain, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.screens.payment import parse_day
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView, RateView

#: The add row's fields; each has an input `#NAME` and an error line `#NAME-error`.
ADD_FIELDS = ("base", "rate", "quote", "date")


@dataclass(frozen=True, slots=True)
class Imported:
    """What importing a rates file did."""

    path: str
    added: int
    known: int

    def text(self) -> str:
        rates = "rate" if self.added == 1 else "rates"
        were = "was" if self.known == 1 else "were"
        return (
            f"Recorded {self.added} {rates} from {visible(self.path)} "
            f"({self.known} {were} already there)."
        )


def import_rates_file(ledger: Ledger, group: str, path: Path) -> Imported:
    """Read, check and record the rates of `path` as `splitledger rate import` does;
    `InvalidInput` (field "file") names what is wrong with the file, with its row."""
    source = str(path)
    added, known = ledger.import_rates_file(group, source)
    return Imported(source, added, known)


class RatesScreen(LedgerScreen):
    """The rates of the group it was opened for."""

    DEFAULT_CSS = """
    #rates-body {
        padding: 0 1;
    }
    #rates {
        height: auto;
        max-height: 12;
        width: auto;
        margin: 1 1 0 1;
    }
    #rates-body .form-row {
        height: 1;
        margin-top: 1;
    }
    #rates-body .section {
        margin-top: 1;
    }
    #rates-body .field-error, #import-result {
        padding: 0 1;
    }
    #rates-body Label {
        padding: 0 1;
    }
    #base, #quote {
        width: 6;
    }
    #rate {
        width: 14;
    }
    #date {
        width: 12;
    }
    #path {
        width: 1fr;
    }
    #rates-body Button {
        margin-left: 1;
    }
    #import-result {
        margin-top: 1;
        height: auto;
    }
    """

    LIVE = True
    HELP_TEXT = (
        "Exchange rates of the group, newest first: from its date on, 1 BASE = RATE QUOTE "
        "(either direction serves). a goes to the add row (Enter on the date adds the "
        "rate); i goes to the file field: a CSV file with the header date,base,quote,rate "
        "is recorded all or nothing (Enter imports), and a problem names its row. Escape "
        "goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("a", "add", "Add rate"),
        Binding("i", "import_file", "Import file"),
    ]

    def __init__(self, group: GroupView) -> None:
        super().__init__()
        self._group = group
        self._key = f"tui-rate:{uuid.uuid4()}"
        self.rates: list[RateView] = []
        #: The write in flight, if any (Escape cancels it while it waits).
        self._write: WriteJob | None = None

    @property
    def group(self) -> GroupView:
        """The group the screen was opened for."""
        return self._group

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rates-body"):
            yield Static(
                Content.assemble(("Exchange rates of ", "b"), plain(self._group.name, "b")),
                classes="screen-title",
            )
            yield Static("Reading the rates…", id="rates-status", classes="hint")
            yield DataTable(id="rates", cursor_type="row", zebra_stripes=True)
            yield Static(Content.styled("Add a rate (a)", "b"), classes="section")
            with Horizontal(classes="form-row"):
                yield Label("1")
                yield Input(placeholder="USD", id="base", compact=True, max_length=3)
                yield Label("=")
                yield Input(placeholder="0.92", id="rate", compact=True, max_length=40)
                yield Input(self._group.currency, id="quote", compact=True, max_length=3)
                yield Label("from")
                today = self.sl_app.today().isoformat()
                yield Input(today, id="date", compact=True, max_length=10)
                yield Button("Add", id="add", variant="primary", compact=True)
            for name in (*ADD_FIELDS, "add"):
                yield Static(id=f"{name}-error", classes="field-error")
            yield Static(
                Content.styled("Import a file (i): CSV with date,base,quote,rate", "b"),
                classes="section",
            )
            with Horizontal(classes="form-row"):
                yield Label("File")
                yield Input(placeholder="rates.csv", id="path", compact=True, max_length=4096)
                yield Button("Import", id="import", compact=True)
            yield Static(id="import-result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rates", DataTable)
        table.add_column("From", width=10, key="date")
        table.add_column(Text("1 base", justify="right"), width=6, key="base")
        table.add_column(Text("= rate", justify="right"), width=12, key="rate")
        table.add_column("quote", width=5, key="quote")
        table.display = False

    def reload(self) -> None:
        name = self._group.name
        run_db(
            self,
            lambda ledger: ledger.rates(name),
            self._show,
            exclusive=True,
            group="rates",
            description="load rates",
        )

    def _show(self, rates: list[RateView]) -> None:
        # Newest first (the services list them oldest first); a day's rates in order.
        self.rates = sorted(rates, key=lambda r: r.date, reverse=True)
        table = self.query_one("#rates", DataTable)
        row = table.cursor_row
        table.clear()
        for r in self.rates:
            table.add_row(
                r.date.isoformat(),
                Text(f"1 {r.base}", justify="right"),
                Text(f"= {r.rate}", justify="right"),
                r.quote,
            )
        table.display = bool(self.rates)
        if self.rates:
            table.move_cursor(row=min(row, len(self.rates) - 1))
            count = len(self.rates)
            status = f"{count} rate{'s' if count != 1 else ''}, newest first:"
        else:
            status = "No rates yet: add one below, or import a file."
        self.query_one("#rates-status", Static).update(status)
        if self.focused is None:
            (table if self.rates else self.query_one("#base", Input)).focus()

    # -- keys and fields ---------------------------------------------------------------

    def action_back(self) -> None:
        if self._write is not None and self._write.stop():
            self.notify("Cancelling…")
            return
        self.app.pop_screen()

    def action_add(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        self.query_one("#base", Input).focus()

    def action_import_file(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "path":
            self.import_file()
        elif event.input.id == "date":
            self.add_rate()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            self.add_rate()
        else:
            self.import_file()

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _show_error(self, slot: str, message: str) -> None:
        show_field_error(self, slot, message, focus=slot in ADD_FIELDS)

    def _clear_errors(self) -> None:
        clear_field_errors(self)

    # -- writing -----------------------------------------------------------------------

    def add_rate(self) -> None:
        """Record the add row's rate; the row keeps the pair for the next one."""
        if self._write is not None:
            return
        self._clear_errors()
        try:
            day = parse_day(self._value("date"))
        except InvalidInput as exc:
            self._show_error("date", str(exc))
            return
        name, key = self._group.name, self._key
        base, quote, rate = self._value("base"), self._value("quote"), self._value("rate")

        def add(ledger: Ledger) -> RateView:
            return ledger.add_rate(name, base.upper(), quote.upper(), rate, date=day, key=key)

        def failed(error: ServiceError) -> None:
            self._write = None
            if isinstance(error, Cancelled):
                self.notify("Not added: cancelled while another terminal was writing.")
                return
            field = error.field if isinstance(error, InvalidInput) else None
            if field in {"currency", "pair"}:
                field = "base"
            self._show_error(field if field in ADD_FIELDS else "add", str(error))

        self._write = run_write(
            self, add, self._added, failed=failed, what="Adding", description="add rate"
        )

    def _added(self, rate: RateView) -> None:
        self._write = None
        self._key = f"tui-rate:{uuid.uuid4()}"  # the next rate is another request
        self.query_one("#rate", Input).value = ""
        self.notify(
            f"Added: from {rate.date}, 1 {rate.base} = {rate.rate} {rate.quote}.", markup=False
        )
        self.query_one("#rate", Input).focus()
        self.reload()

    def import_file(self) -> None:
        """Import the file named in the file field (in a worker: file IO too)."""
        if self._write is not None:
            return
        text = self._value("path")
        result = self.query_one("#import-result", Static)
        if not text:
            result.update(Text("Type the path of a CSV file first.", style="bold red"))
            return
        path, name = Path(text), self._group.name
        result.update("Importing…")

        def failed(error: ServiceError) -> None:
            self._write = None
            if isinstance(error, Cancelled):
                result.update("Nothing imported: cancelled while another terminal was writing.")
                return
            message = str(error).removeprefix("file: ")
            result.update(Text(f"Nothing imported: {visible(message)}", style="bold red"))
            self.call_after_refresh(result.scroll_visible, animate=False)
            self.sl_app.show_error(error)

        self._write = run_write(
            self,
            lambda ledger: import_rates_file(ledger, name, path),
            self._imported,
            failed=failed,
            what="Importing",
            description="import rates",
        )

    def _imported(self, imported: Imported) -> None:
        self._write = None
        text = imported.text()
        self.query_one("#import-result", Static).update(Text(text, style="green"))
        self.notify(text, markup=False)
        self.reload()
