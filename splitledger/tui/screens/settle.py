"""Settle up: the fewest transfers that zero every balance; mark them paid, export
them to CSV, or copy them as text to paste into a chat.

Marking paid records what the dialog showed, or nothing: the services refuse a plan
whose balances changed since it was read (another terminal recorded a payment while
the dialog was open), and the screen then shows what changed and offers the plan now.
"Mark all paid" is one settlement (one database transaction). A recording that waits
for another terminal's lock says so, and Escape cancels it (`jobs.run_write`).

Opened from balances shown as of a date, it plans as of that date (what would have
settled the group then) and is read-only: nothing can be marked paid from it."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from splitledger.domain import Transfer
from splitledger.services.errors import ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.settling import Basis, SettlePlan, StalePlan
from splitledger.services.views import TxView
from splitledger.tui.formatting import money, transfer_text
from splitledger.tui.jobs import WriteJob, run_db, run_write
from splitledger.tui.plan_csv import write_plan
from splitledger.tui.read_only import refuse_write
from splitledger.tui.safe import plain_text, visible, visible_lines
from splitledger.tui.screens.base import LedgerScreen
from splitledger.tui.widgets.footer import Footer

#: The actions that record payments (not offered on a plan as of a date).
_RECORDING = frozenset({"pay_one", "pay_all", "payment", "settle_in"})


def default_csv_name(group: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", group).strip("-").lower() or "group"
    return f"settle-{slug}.csv"


def export_refusal(error: Exception) -> str:
    """Why the plan could not be written, for the export dialog (which stays open)."""
    if isinstance(error, FileExistsError):
        return "Could not export: that file already exists (type another name)."
    return visible_lines(f"Could not export: {str(error).removeprefix('file: ')}")


class SettleScreen(LedgerScreen):
    """The settle-up plan of the current group."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #settle-status {
        padding: 1 1 0 1;
    }
    """

    HELP_TEXT = (
        "The fewest transfers that bring every balance to zero. Mark one (p) or all (a) as "
        "paid once the money has moved: each is recorded as a payment. x exports the plan "
        "to CSV; c copies it as text. e records a payment by hand, prefilled from the "
        "highlighted line: lower the amount for a partial payment. i settles in one "
        "currency (converting the others first)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("p", "pay_one", "Mark paid"),
        Binding("a", "pay_all", "Mark all paid"),
        Binding("x", "export", "Export CSV"),
        Binding("c", "copy", "Copy text"),
        Binding("e", "payment", "Pay part…"),
        Binding("i", "settle_in", "Settle in…"),
    ]

    def __init__(self, *, as_of: dt.date | None = None) -> None:
        super().__init__()
        #: The date the plan settles the balances of (None: today's; else read-only).
        self.as_of = as_of
        self.plan: list[Transfer] = []
        #: The balances `plan` settles, as read with it: recording checks they hold.
        self.basis: Basis = ()
        self._key = f"tui-settle:{uuid.uuid4()}"
        self._plan_no = 0
        #: The recording in flight, if any (Escape cancels it while it waits).
        self._paying: WriteJob | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        title = Content.styled("Settle up", "b")
        if self.as_of is not None:
            title = Content.assemble(
                title,
                (f" as of {self.as_of.isoformat()}", "b $text-warning"),
                (" · read-only: the plan of that date's balances", "dim"),
            )
        yield Static(title, classes="screen-title")
        yield Static("Working out the plan…", id="settle-status")
        yield DataTable(id="plan", cursor_type="row", zebra_stripes=True)
        yield Static(id="settle-text", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plan", DataTable)
        table.add_column("Who pays", width=20, key="payer")
        table.add_column("Whom", width=20, key="payee")
        table.add_column(Text("Amount", justify="right"), width=18, key="amount")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # As of a date, the plan is for reading: nothing is recorded from it.
        return self.as_of is None or action not in _RECORDING

    def reload(self) -> None:
        name, as_of = self.group.name, self.as_of
        run_db(
            self,
            lambda ledger: ledger.settle_up(name, as_of=as_of),
            self._show,
            exclusive=True,
            group="settle",
            description="settle plan",
        )

    def _show(self, planned: SettlePlan) -> None:
        plan = list(planned.transfers)
        if plan != self.plan:
            self._plan_no += 1
        self.plan, self.basis = plan, planned.basis
        table = self.query_one("#plan", DataTable)
        row = table.cursor_row
        table.display = bool(plan)
        table.clear()
        for t in plan:
            table.add_row(
                plain_text(t.payer),
                plain_text(t.payee),
                Text(money(t.minor, t.currency), justify="right"),
            )
        if plan:
            table.move_cursor(row=min(row, len(plan) - 1))
            verb = ("settles", "settle") if self.as_of is None else ("would have settled",) * 2
            status = Content(
                f"1 transfer {verb[0]} everyone up:"
                if len(plan) == 1
                else f"{len(plan)} transfers {verb[1]} everyone up:"
            )
        elif self.as_of is None:
            status = Content.assemble(("All settled:", "b $success"), " nobody owes anybody.")
        else:
            status = Content.assemble(("All settled", "b $success"), " at that date.")
        self.query_one("#settle-status", Static).update(status)
        self.query_one("#settle-text", Static).update(Content(self.summary()))  # (visible)
        table.focus()

    def summary(self) -> str:
        """The plan as plain lines, for a chat message (names visible: no control
        character goes to the clipboard either)."""
        return "\n".join(transfer_text(t) for t in self.plan)

    # -- paying --------------------------------------------------------------------

    def _transfer_key(self, t: Transfer) -> str:
        """The same transfer of the same plan always gets the same key, so a double
        press or a retry records it once."""
        return f"{self._key}:{self._plan_no}:{t.payer}>{t.payee}:{t.currency}:{t.minor}"

    def _plan_key(self) -> str:
        """The key of "mark all paid" on this plan (one transfer: that transfer's)."""
        if len(self.plan) == 1:
            return self._transfer_key(self.plan[0])
        return f"{self._key}:{self._plan_no}:all"

    def action_back(self) -> None:
        if self._paying is not None and self._paying.stop():
            self.notify("Cancelling…")
            return
        self.app.pop_screen()

    def action_pay_one(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        table = self.query_one("#plan", DataTable)
        if not self.plan:
            return
        transfer = self.plan[min(table.cursor_row, len(self.plan) - 1)]
        self._confirm_and_pay([transfer], f"Record that {transfer_text(transfer)}?")

    def action_pay_all(self) -> None:
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        if self.plan:
            self._confirm_and_pay(list(self.plan), self._all_question())

    def _all_question(self) -> str:
        if len(self.plan) == 1:
            return f"Record that {transfer_text(self.plan[0])}?"
        return f"Record all {len(self.plan)} transfers as paid?"

    def _confirm_and_pay(self, transfers: list[Transfer], question: str) -> None:
        """Ask, then record `transfers` as one settlement, checked against the balances
        the plan on screen was made from (as they are now, not when the answer comes)."""
        from splitledger.tui.screens.confirm import ConfirmScreen

        key = self._plan_key() if transfers == self.plan else self._transfer_key(transfers[0])
        expected, single = self.basis, len(transfers) == 1

        def answered(yes: bool | None) -> None:
            if yes:
                self._pay(transfers, expected, key, single=single)

        self.app.push_screen(ConfirmScreen(question, yes="Paid"), answered)

    def _pay(self, transfers: list[Transfer], expected: Basis, key: str, *, single: bool) -> None:
        if self._paying is not None:
            return  # one recording at a time (its key would dedupe a repeat anyway)
        name = self.group.name

        def pay(ledger: Ledger) -> list[TxView]:
            return ledger.record_settlement(name, transfers, expected=expected, key=key)

        def refused(error: ServiceError) -> None:
            self._paying = None
            if isinstance(error, StalePlan):
                self._changed_meanwhile(error, transfers[0] if single else None)
            else:
                self.sl_app.show_error(error)

        self._paying = run_write(
            self, pay, self._paid, failed=refused, what="Recording", description="record settlement"
        )

    def _paid(self, views: list[TxView]) -> None:
        self._paying = None
        count = len(views)
        self.notify(f"Recorded {count} payment{'s' if count != 1 else ''}.")
        self.reload()

    def _changed_meanwhile(self, stale: StalePlan, one: Transfer | None) -> None:
        """Nothing was recorded: show the plan now, say what changed, and offer to
        record the plan now (all of it, or the same people's transfer if one was
        marked and is still in it)."""
        from splitledger.tui.screens.confirm import ConfirmScreen

        lines = ["Nothing was recorded: the balances changed since this plan was shown."]
        lines += [
            f"  {c.member}: {money(c.before, c.currency, signed=True)} → "
            f"{money(c.after, c.currency, signed=True)}"
            for c in stale.changes
        ]
        if stale.plan is None:
            lines += ["", str(stale).rpartition("; ")[2].capitalize() + "."]
            self.app.push_screen(ConfirmScreen("\n".join(lines), yes=None))
            return
        self._show(stale.plan)
        offer: list[Transfer] = []
        if not self.plan:
            lines += ["", "Everyone is settled up now."]
        elif one is None:
            offer = list(self.plan)
            lines += ["", "The plan now:"] + [f"  {transfer_text(t)}" for t in self.plan]
            lines += ["", self._all_question()]
        else:
            same = [
                t
                for t in self.plan
                if (t.payer, t.payee, t.currency) == (one.payer, one.payee, one.currency)
            ]
            if same:
                offer = same[:1]
                lines += ["", f"Record that {transfer_text(same[0])} instead?"]
            else:
                lines += ["", "That transfer is no longer in the plan; the plan now is on screen."]
        if not offer:
            self.app.push_screen(ConfirmScreen("\n".join(lines), yes=None))
            return
        key = self._plan_key() if offer == self.plan else self._transfer_key(offer[0])
        expected = self.basis

        def answered(yes: bool | None) -> None:
            if yes:
                self._pay(offer, expected, key, single=len(offer) == 1 and one is not None)

        self.app.push_screen(ConfirmScreen("\n".join(lines), yes="Paid"), answered)

    def action_payment(self) -> None:
        """A payment by hand, prefilled from the highlighted plan line (editable: a
        partial payment is that line with a smaller amount)."""
        if refuse_write(self):  # an archived group: say why, do nothing
            return
        from splitledger.tui.screens.payment import PaymentScreen

        table = self.query_one("#plan", DataTable)
        line = self.plan[min(table.cursor_row, len(self.plan) - 1)] if self.plan else None
        self.app.push_screen(PaymentScreen(self.group, line))

    def action_settle_in(self) -> None:
        from splitledger.tui.screens.settle_in import SettleInScreen

        self.app.push_screen(SettleInScreen(self.group))

    # -- sharing -------------------------------------------------------------------

    def action_copy(self) -> None:
        if not self.plan:
            self.notify("Nothing to copy: everyone is settled.")
            return
        self.app.copy_to_clipboard(self.summary())
        self.notify("Copied the plan to the clipboard.")

    def action_export(self) -> None:
        from splitledger.tui.screens.prompt import PromptScreen

        if not self.plan:
            self.notify("Nothing to export: everyone is settled.")
            return
        plan = list(self.plan)

        def export(prompt: PromptScreen, answer: str) -> None:
            path = Path(answer)
            # File IO stays off the event loop; a refusal keeps the dialog and the name.
            prompt.work(
                lambda: write_plan(path, plan),
                self._exported,
                explain=export_refusal,
                description="export plan",
            )

        self.app.push_screen(
            PromptScreen(
                "Export the plan",
                "CSV file (a new file; relative to the current directory)",
                default_csv_name(self.group.name),
                action="Export",
                submit=export,
            )
        )

    def _exported(self, path: Path) -> None:
        self.notify(visible(f"Exported the plan to {path}."), markup=False)
