"""Settle a group in one currency: convert every other currency into it at the day's
rates, then the fewest transfers, all in that currency.

The screen first shows a preview: the services' own dry run of the whole use case
(`Ledger.settle_in(..., record=True, dry_run=True)`: everything done and checked, then
rolled back), so what it shows is what recording would write: each conversion entry
with its rate, what each member's balance becomes, and the plan. Recording (`s`) is
then one write under one key per preview: a retried confirm records once. "Convert
only" (`c`) records the conversions without the payments. A missing rate is said
plainly, naming the pair; `r` opens the rates screen to add it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Label, Select, Static

from splitledger.domain import is_exchange_account
from splitledger.services.errors import Cancelled, InvalidInput, ServiceError
from splitledger.tui.formatting import money
from splitledger.tui.jobs import WriteJob, run_db, run_write
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import clip, plain, visible
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    import datetime as dt

    from splitledger.services.ledger import Ledger
    from splitledger.services.settle_in import SettledIn
    from splitledger.services.views import GroupView, TxView

#: Names in the preview's columns are cut to this many cells.
NAME_CELLS = 24


@dataclass(frozen=True, slots=True)
class Preview:
    """A preview in `currency` under `key`: the dry run's outcome, or why there is
    none. Recording it uses the same key, which also decides who gets the odd cent of a
    conversion: so the same entries."""

    currency: str
    key: str
    outcome: SettledIn | None
    problem: str = ""
    #: The field the problem is about ("rate": a missing rate, which the rates screen adds).
    field: str | None = None


def entries(out: SettledIn, *, record: bool) -> object:
    """What recording writes (not the ids: a dry run's are rolled back): to compare a
    preview with what was then recorded."""
    conversions = tuple((t.description, t.date, t.postings) for t in out.conversions)
    return (out.currency, conversions, out.plan.transfers if record else ())


def new_base_key() -> str:
    """A new screen's key prefix (the previews' keys add a number). The key also picks
    who gets a conversion's odd cent, so the snapshot tests pin it."""
    return f"tui-settle-in:{uuid.uuid4()}"


def currencies_of(ledger: Ledger, group: GroupView) -> list[str]:
    """The currencies worth offering: the group's, those with a balance, those with a
    rate (the group's first)."""
    held = {b.currency for b in ledger.balances(group.name).balances if b.minor}
    rated = {c for r in ledger.rates(group.name) for c in (r.base, r.quote)}
    return [group.currency, *sorted((held | rated) - {group.currency})]


def preview(ledger: Ledger, group: str, currency: str, day: dt.date, key: str) -> Preview:
    """The dry run of settling `group` in `currency` on `day` under `key`; a refusal (a
    missing rate, a currency not spendable) is part of the preview, not an error."""
    try:
        done = ledger.settle_in(group, currency, record=True, date=day, key=key, dry_run=True)
    except InvalidInput as exc:
        return Preview(currency, key, None, str(exc), exc.field)
    return Preview(currency, key, done)


def _padded(name: str, width: int) -> Content:
    shown = clip(name, NAME_CELLS)
    return Content(shown + " " * max(0, width - cell_len(shown)))


def member_moves(tx: TxView, target: str) -> list[tuple[str, str, str]]:
    """Per member of a conversion entry: what moved out of the other currency and into
    `target` ("+12.00 USD", "+11.04 EUR"; an exchange difference has only the latter)."""
    moves: dict[str, dict[str, int]] = {}
    for p in tx.postings:
        if not is_exchange_account(p.member):
            moves.setdefault(p.member, {})[p.currency] = p.minor
    rows: list[tuple[str, str, str]] = []
    for member, amounts in moves.items():
        into = amounts.pop(target, None)
        out = ", ".join(money(-m, c, signed=True) for c, m in amounts.items())
        rows.append((member, out, "" if into is None else money(into, target, signed=True)))
    return rows


def _names_width(names: Iterable[str]) -> int:
    return max((min(cell_len(visible(m)), NAME_CELLS) for m in names), default=0)


def preview_content(shown: Preview, group: GroupView) -> Content:
    """The preview as lines of plain text (names are user text)."""
    if shown.outcome is None:
        problem = shown.problem.removeprefix(f"{shown.field}: ")
        parts: list[Content | str | tuple[str, str]] = [
            (f"Cannot settle in {shown.currency}: ", "b $error"),
            plain(problem, lines=True),
        ]
        if shown.field == "rate":
            parts += ["\n\nPress ", ("r", "b"), " for the rates screen to add the missing "]
            parts += ["rate (or import a file), then come back."]
        return Content.assemble(*parts)
    out = shown.outcome
    parts = []
    if out.conversions:
        count = len(out.conversions)
        parts += [(f"Conversions ({count} entr{'y' if count == 1 else 'ies'})", "b"), "\n"]
        for tx in out.conversions:
            parts += ["  ", plain(tx.description), "\n"]
            moves = member_moves(tx, shown.currency)
            width = _names_width(m for m, _, _ in moves)
            left = max((len(o) for _, o, _ in moves), default=0)
            right = max((len(i) for _, _, i in moves), default=0)
            for member, out_of, into in moves:
                arrow = " → " if out_of and into else "   "
                line = f"  {out_of.rjust(left)}{arrow}{into.rjust(right)}\n"
                parts += ["    ", _padded(member, width), line]
    else:
        parts += [(f"Nothing to convert: every balance is in {shown.currency}.", "b"), "\n"]
    after = [(m, minor) for m, c, minor in out.plan.basis if not is_exchange_account(m)]
    parts += ["\n", ("Balances after converting", "b"), "\n"]
    width = max((min(cell_len(visible(m)), NAME_CELLS) for m, _ in after), default=0)
    for member, minor in after:
        parts += [
            "    ",
            _padded(member, width),
            f"  {money(minor, shown.currency, signed=True)}\n",
        ]
    settled = len(group.members) - len(after)
    if settled > 0:
        parts += [(f"    ({settled} other member{'s' if settled != 1 else ''} at zero)", "dim")]
        parts += ["\n"]
    transfers = out.plan.transfers
    parts += ["\n"]
    if transfers:
        n = len(transfers)
        parts += [(f"Then {n} payment{'s' if n != 1 else ''} settle everyone", "b"), "\n"]
        for t in transfers:
            parts += [
                "    ",
                plain(t.payer),
                " pays ",
                plain(t.payee),
                f" {money(t.minor, t.currency)}\n",
            ]
    else:
        parts += [("Then nobody owes anybody.", "b"), "\n"]
    return Content.assemble(*parts)


class SettleInScreen(LedgerScreen):
    """Convert and settle the group it was opened for in one currency."""

    DEFAULT_CSS = """
    #settle-in-body {
        padding: 0 1;
    }
    #settle-in-body .form-row {
        height: 1;
        margin-top: 1;
        padding: 0 1;
    }
    #settle-in-body Label {
        padding: 0 1 0 0;
    }
    #currency {
        width: 16;
    }
    #settle-in-note {
        margin-top: 1;
        height: auto;
    }
    #settle-in-preview {
        margin-top: 1;
        padding: 0 1;
        height: auto;
    }
    """

    HELP_TEXT = (
        "Settle the group in one currency: every balance in another currency is converted "
        "into it at the day's rates (a ledger entry per currency, its rate in the "
        "description), then the fewest payments settle everyone. The preview is exactly "
        "what would be recorded. s records it all (conversions and payments, as one "
        "write); c converts only (no payments); r opens the rates screen, e.g. to add a "
        "missing rate. Pick another currency in the list at the top."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("s", "record", "Settle (record)"),
        Binding("c", "convert", "Convert only"),
        Binding("r", "rates", "Rates"),
    ]

    def __init__(self, group: GroupView) -> None:
        super().__init__()
        self._group = group
        self.currency = group.currency
        self.shown: Preview | None = None
        self._base_key = new_base_key()
        self._preview_no = 0
        self._write: WriteJob | None = None
        #: The currencies offered in the list (the group's until read).
        self._choices = [group.currency]
        #: The day of the preview and of recording it (set when composed).
        self.day: dt.date | None = None

    @property
    def group(self) -> GroupView:
        """The group the screen was opened for."""
        return self._group

    def compose(self) -> ComposeResult:
        c = self._group.currency
        self.day = day = self.sl_app.today()
        yield Header()
        with VerticalScroll(id="settle-in-body"):
            yield Static(
                Content.assemble(
                    ("Settle ", "b"), plain(self._group.name, "b"), (" in one currency", "b")
                ),
                classes="screen-title",
            )
            with Horizontal(classes="form-row"):
                yield Label("Currency")
                yield Select([(c, c)], value=c, allow_blank=False, id="currency", compact=True)
            yield Static(
                f"Preview on {day.isoformat()}: nothing is recorded until you press s "
                "(or c to convert only).",
                id="settle-in-note",
                classes="hint",
            )
            yield Static("Working out the preview…", id="settle-in-preview")
        yield Footer()

    def reload(self) -> None:
        """Read the preview again, under a new key (a retried confirm of the preview on
        screen keeps its key, so it records once)."""
        group, currency, day = self._group, self.currency, self.day
        assert day is not None  # noqa: S101 - set when composed, before any reload
        self._preview_no += 1
        key = f"{self._base_key}:{self._preview_no}"

        def read(ledger: Ledger) -> tuple[list[str], Preview]:
            return currencies_of(ledger, group), preview(ledger, group.name, currency, day, key)

        run_db(self, read, self._show, exclusive=True, group="settle-in", description="settle in")

    def _show(self, read: tuple[list[str], Preview]) -> None:
        choices, shown = read
        if shown.currency != self.currency:
            return  # the choice moved on since: its own preview is coming
        select = self.query_one("#currency", Select)
        if choices != self._choices:
            self._choices = choices
            with select.prevent(Select.Changed):
                select.set_options([(c, c) for c in choices])
                select.value = self.currency
        self.shown = shown
        self.query_one("#settle-in-preview", Static).update(preview_content(shown, self._group))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.currency:
            self.currency = event.value
            self.query_one("#settle-in-preview", Static).update("Working out the preview…")
            self.reload()

    # -- keys ----------------------------------------------------------------------

    def action_back(self) -> None:
        if self._write is not None and self._write.stop():
            self.notify("Cancelling…")
            return
        self.app.pop_screen()

    def action_rates(self) -> None:
        from splitledger.tui.screens.rates import RatesScreen

        self.app.push_screen(RatesScreen(self._group))

    def action_record(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        self._confirm(record=True)

    def action_convert(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        self._confirm(record=False)

    def _confirm(self, *, record: bool) -> None:
        from splitledger.tui.screens.confirm import ConfirmScreen

        shown = self.shown
        if self._write is not None or shown is None or shown.currency != self.currency:
            return  # a preview is on its way
        out = shown.outcome
        if out is None:
            hint = " Press r for the rates screen." if shown.field == "rate" else ""
            self.notify(visible(shown.problem) + hint, severity="warning", markup=False)
            return
        conversions, payments = len(out.conversions), len(out.plan.transfers)
        if not record and not conversions:
            self.notify(f"Nothing to convert: every balance is in {shown.currency}.")
            return
        if record and not conversions and not payments:
            self.notify("Nothing to record: everyone is settled.")
            return
        what = f"{conversions} conversion entr{'y' if conversions == 1 else 'ies'}"
        if record:
            what += f" and {payments} payment{'s' if payments != 1 else ''}"
        question = f"Record the {what} shown, in {shown.currency}?"
        key = shown.key

        def answered(yes: bool | None) -> None:
            if yes:
                self._record(shown, key, record=record)

        self.app.push_screen(ConfirmScreen(question, yes="Record"), answered)

    def _record(self, shown: Preview, key: str, *, record: bool) -> None:
        if self._write is not None:
            return
        name, currency, day = self._group.name, shown.currency, self.day
        assert day is not None  # noqa: S101 - set when composed

        def write(ledger: Ledger) -> SettledIn:
            return ledger.settle_in(name, currency, record=record, date=day, key=key)

        def done(out: SettledIn) -> None:
            self._write = None
            self._recorded(shown, out, record=record)

        def failed(error: ServiceError) -> None:
            self._write = None
            if isinstance(error, Cancelled):
                self.notify("Nothing recorded: cancelled while another terminal was writing.")
                return
            self.sl_app.show_error(error)
            self.reload()

        self._write = run_write(
            self, write, done, failed=failed, what="Recording", description="settle in"
        )

    def _recorded(self, shown: Preview, out: SettledIn, *, record: bool) -> None:
        conversions, payments = len(out.conversions), len(out.payments)
        text = f"Recorded {conversions} conversion entr{'y' if conversions == 1 else 'ies'}"
        if record:
            text += f" and {payments} payment{'s' if payments != 1 else ''}"
        self.notify(f"{text} in {out.currency}.")
        before = shown.outcome
        if before is not None and entries(out, record=record) != entries(before, record=record):
            self.notify(
                "The balances changed after the preview: what was recorded is their "
                "settlement now (see the history).",
                severity="warning",
            )
        self.reload()
