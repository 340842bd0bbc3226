"""The offer of a group's due recurring bills, when the group is shown (at start too).

After the balances are painted (never before: the first frame is the balances', read
through the reading use cases alone, ADR 0015), a worker asks `recurring_due` for the
group's occurrences dated today or earlier that are not recorded. If there are any, a
panel above the balances says so ("3 Rent bills are due since 31 Jan — record them?")
with the first of them listed. It does not block: it takes the focus (unless a field has
it), and every key of the balances still works; `y` records them (`run_recurring` in a
write worker: each once, however many terminals do it at once) and `n` dismisses it for
the rest of the session. A date after today is never offered, nor anything in an
archived group.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Input, Static

from splitledger.tui.jobs import ledger_app, run_db, run_write
from splitledger.tui.safe import plain

if TYPE_CHECKING:
    from splitledger.services.errors import ServiceError
    from splitledger.services.ledger import Ledger
    from splitledger.services.recurring import Occurrence, RunReport
    from splitledger.services.views import GroupView
    from splitledger.tui.app import SplitLedgerApp
    from splitledger.tui.screens.balances import BalancesScreen

#: How many due bills the offer lists (then "… and N more").
LISTED = 4

#: Per app, the groups whose offer was dismissed (`n`) this session.
_DISMISSED: weakref.WeakKeyDictionary[App[Any], set[int]] = weakref.WeakKeyDictionary()


def headline(due: Sequence[Occurrence], today: dt.date) -> str:
    """ "3 Rent bills are due since 31 Jan — record them?" (plain text; the year is
    said when it is not this year's)."""
    count, first = len(due), due[0].date
    names = {o.description for o in due}
    what = f"{next(iter(names))} bill" if len(names) == 1 else "recurring bill"
    since = f"{first.day} {first:%b}" + ("" if first.year == today.year else f" {first.year}")
    verb = "is" if count == 1 else "are"
    return f"{count} {what}{'s' if count != 1 else ''} {verb} due since {since} — record them?"


def listing(due: Sequence[Occurrence]) -> Content:
    """The first due bills, one a line: date, description, amount (plain text)."""
    parts: list[str | Content | tuple[str, str]] = []
    for occurrence in due[:LISTED]:
        if parts:
            parts.append("\n")
        parts += [
            f"  {occurrence.date.isoformat()}  ",
            plain(occurrence.description),
            f"  {occurrence.amount} {occurrence.currency}",
        ]
    if len(due) > LISTED:
        parts.append(f"\n  … and {len(due) - LISTED} more")
    return Content.assemble(*parts)


class DueOffer(Vertical, can_focus=True):
    """The offer, above the balances of `group`: y records the due bills, n dismisses."""

    DEFAULT_CSS = """
    DueOffer {
        height: auto;
        margin: 1 1 0 1;
        padding: 0 1;
        border: round $warning;
    }
    DueOffer:focus {
        border: round $accent;
    }
    DueOffer .offer-head {
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "record", "Record due bills"),
        Binding("n", "dismiss", "Not now"),
    ]

    def __init__(self, group: GroupView, due: Sequence[Occurrence], today: dt.date) -> None:
        super().__init__(id="due-offer")
        self.group = group
        self.due = tuple(due)
        self._today = today
        self._recording = False

    def compose(self) -> ComposeResult:
        yield Static(plain(headline(self.due, self._today)), classes="offer-head")
        yield Static(listing(self.due), id="due-list")
        yield Static("y records them · n not now (the recurring screen lists them)", classes="hint")

    def action_record(self) -> None:
        if self._recording:
            return
        self._recording = True
        name = self.group.name

        def done(report: RunReport) -> None:
            from splitledger.tui.screens.recurring import run_summary

            self.app.notify(run_summary(report), markup=False)
            screen = self.screen
            self.remove()
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

        def failed(error: ServiceError) -> None:
            self._recording = False
            ledger_app(self).show_error(error)

        run_write(
            self,
            lambda ledger: ledger.run_recurring(name),
            done,
            failed=failed,
            what="Recording",
            description="record due recurring bills",
        )

    def action_dismiss(self) -> None:
        _DISMISSED.setdefault(self.app, set()).add(self.group.id)
        self.remove()


def offer_due(app: SplitLedgerApp) -> None:
    """Look for the shown group's due bills (in a worker) and offer them on its
    balances screen, unless dismissed this session, archived, or offered already."""
    from splitledger.tui.screens.balances import BalancesScreen

    group = app.group
    if group is None or group.archived or group.id in _DISMISSED.get(app, set()):
        return
    home = next((s for s in app.screen_stack if isinstance(s, BalancesScreen)), None)
    if home is None or home.query(DueOffer):
        return
    name = group.name

    def look(ledger: Ledger) -> list[Occurrence]:
        return ledger.recurring_due(name)

    def found(due: list[Occurrence]) -> None:
        _show(app, home, group, due)

    # An offer nobody asked for: a failure to look is not worth an error at start.
    run_db(home, look, found, failed=lambda _error: None, description="look for due bills")


def _show(
    app: SplitLedgerApp, home: BalancesScreen, group: GroupView, due: list[Occurrence]
) -> None:
    current = app.group
    if not due or current is None or current.id != group.id or home.query(DueOffer):
        return  # nothing due, or another group is shown by now
    offer = DueOffer(group, due, app.today())
    headers = home.query(Header)
    if headers:
        home.mount(offer, after=headers.first())
    else:
        home.mount(offer)
    if not isinstance(home.focused, Input):  # (not while a date is being typed there)
        offer.focus()
