"""The Textual app: record, review and settle shared bills from the keyboard.

The app holds the open `Ledger` and the current group; screens ask it for data through
`jobs.run_db`, so no database call runs on the event loop. Start-up is one worker that
opens the ledger and reads the first screen (`first_screen`: the group shown last); the
balances screen is then composed with that data, painted once, and it is the first
frame: nothing is painted while the ledger opens (unless it takes `STATUS_DELAY`); the
other use cases are adopted after it (`_adopt`). Importing this module
loads no service beyond errors and logs, nor any screen but the balances. Live refresh
reloads the visible screen when the group's change token moves (ADR 0012). How start-up
was measured and tuned: docs/performance-notes.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import gc
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widgets import Header, Static
from textual.worker import WorkerFailed

from splitledger.services import logs
from splitledger.services.errors import Cancelled, ServiceError
from splitledger.tui import config
from splitledger.tui.live_refresh import LiveRefreshApp, Token
from splitledger.tui.safe import plain, visible, visible_lines
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger
    from splitledger.services.reading import FirstScreen, ReadingCases
    from splitledger.services.views import BalancesView, GroupView

LIGHT, DARK = "textual-light", "textual-dark"


@functools.cache
def freeze_startup_heap() -> None:
    """Once per process, before the first screen: `gc.freeze()` the objects alive now
    (modules, classes, functions: ~80,000 that live as long as the process), so that the
    collections of a session do not walk them all again (docs/performance-notes.md)."""
    gc.freeze()


class Opened(NamedTuple):
    """What opening found: where the ledger is, the group to show first (the one last
    opened if it is still there, else the first) with that group's balances and change
    token (None: no group yet), the reading use cases it was opened with, to adopt into
    the full `Ledger` after the first frame (None: the app was handed a ledger, or it
    was adopted already), and the remembered settings (with why the file was ignored,
    if it was)."""

    where: str
    first: FirstScreen | None
    reader: ReadingCases | None
    settings: config.Settings = config.Settings()
    settings_problem: str | None = None


def _ledger_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from splitledger.tui.commands import LedgerCommands

    return LedgerCommands


class SplitLedgerApp(LiveRefreshApp):
    """Keyboard-first splitter over the ledger services."""

    TITLE = "splitledger"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {_ledger_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        # The use cases' own screens, from anywhere a group is open (see `commands`).
        Binding("ctrl+r", "open_route('rates')", "Rates", show=False),
        Binding("ctrl+y", "open_route('payment')", "Record a payment", show=False),
        Binding("ctrl+o", "open_route('import')", "Import a file", show=False),
        Binding("ctrl+b", "open_route('export')", "Export", show=False),
        Binding("ctrl+g", "open_route('recurring')", "Recurring bills", show=False),
    ]
    #: Seconds of opening after which the screen says that the ledger is opening.
    STATUS_DELAY: ClassVar[float] = 0.2

    def __init__(
        self,
        target: str | None = None,
        *,
        ledger: Ledger | None = None,
        config_path: str | None = None,
    ) -> None:
        """`config_path`: the settings file (default: `config.config_file()` when the app
        opens its ledger; none when it is handed one, as tests and embedders do)."""
        freeze_startup_heap()
        if config_path is None and ledger is None:
            config_path = config.config_file()
        super().__init__(config_path)
        self.target = target
        self.ledger: Ledger | None = ledger
        self._owns_ledger = ledger is None
        #: Set once `ledger` is there (opened and adopted, or handed in), or opening
        #: failed: a worker that needs the ledger waits for it (`wait_for_ledger`).
        self._ledger_ready = threading.Event()
        if ledger is not None:
            self._ledger_ready.set()
        #: The reading use cases the first screen was read with, until adopted.
        self._reader: ReadingCases | None = None
        self.group: GroupView | None = None
        #: Today's date for new expenses (tests and screenshots pin it).
        self.today: Callable[[], dt.date] = dt.date.today
        #: The group's change token that the visible screen's data is at least as new
        #: as (None: not known; the next look reloads).
        self._token: Token | None = None
        self._poll_failing = False
        #: Set to stop the watch thread; None while no watch runs (the poll works).
        self._watch_stop: threading.Event | None = None
        self._opening = True
        #: Holds repaints back until the first screen is up (see `on_mount`).
        self._first_paint = contextlib.ExitStack()
        #: The first unhandled exception, which ended the app (see `run`).
        self.crash: BaseException | None = None
        self.theme = DARK

    def on_mount(self) -> None:
        # No paint of the empty default screen while the ledger opens: the first frame
        # is the first screen's, and the opening does not share the CPU with a paint
        # nobody needs (released once the first screen is up, or by the status). Not
        # headless: with no terminal to spare, Textual re-renders the held screen without
        # end there, and the opening's hand-over to the event loop never gets its turn.
        if not self.is_headless:
            self._first_paint.enter_context(self.batch_update())
        self._open()
        self.set_timer(self.STATUS_DELAY, self._still_opening, name="opening status")
        self.set_interval(self.POLL_SECONDS, self._poll, name="live refresh")

    async def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()  # the thread closes its connection as it ends
        if self.ledger is not None and self._owns_ledger:
            await asyncio.to_thread(self.ledger.close)
        elif self._reader is not None:  # quit before the hand-over
            await asyncio.to_thread(self._reader.close)

    # -- opening -------------------------------------------------------------------

    # (A failure other than a `ServiceError` is a bug: it ends the app, see `run`.)
    @work(thread=True, exclusive=True, group="open", exit_on_error=True)
    def _open(self) -> None:
        reader: ReadingCases | None = None
        settings, problem = (
            config.load(self.config_path) if self.config_path else (config.Settings(), None)
        )
        try:
            if self.ledger is None:
                # The reading use cases alone for the first screen; the others (and
                # their imports) come after the first frame (`_adopt`). Tests and
                # embedders hand the app an open ledger.
                from splitledger.services.reading import ReadingCases

                reader = ReadingCases.open(self.target)
            opened = reader or self.ledger
            assert opened is not None  # noqa: S101 - one of the two, as just set
            # One read: the group shown last (else the first) and its balances.
            first = opened.first_screen(prefer=settings.last_group(opened.where))
        except ServiceError as exc:
            if reader is not None:
                reader.close()
            self._ledger_ready.set()  # nothing to wait for: it is not coming
            self.call_from_thread(self._cannot_open, str(exc))
            return
        self._reader = reader
        self.call_from_thread(self._opened, Opened(opened.where, first, reader, settings, problem))

    @work(thread=True, exclusive=True, group="adopt", exit_on_error=True)
    def _adopt(self, reader: ReadingCases) -> None:
        """The full `Ledger` over the database the first screen was read from (after
        the first frame: its imports are not in that frame's way)."""
        from splitledger.services.ledger import Ledger

        self.ledger = Ledger.adopt(reader)
        self._reader = None
        self._ledger_ready.set()
        self.call_from_thread(self._watch)

    def wait_for_ledger(self) -> Ledger:
        """The open ledger, waited for (in a worker's thread) while it is handed over
        after the first frame."""
        self._ledger_ready.wait()
        if self.ledger is None:
            raise RuntimeError("the ledger is not open")
        return self.ledger

    def _status(self, text: Content) -> None:
        """Show `text` on the screen under all others (composed only when needed)."""
        screen = self.screen_stack[0]
        found = screen.query("#status")
        if found:
            found.only_one(Static).update(text)
        else:
            screen.mount_all([Header(), Static(text, id="status"), Footer()])

    def _release_paint(self) -> None:
        """End the start-up's hold on repaints (a no-op once ended)."""
        self._first_paint.close()

    def _still_opening(self) -> None:
        self._release_paint()
        if self._opening and not self.screen_stack[0].query("#status"):
            self._status(Content("Opening the ledger…"))

    def _cannot_open(self, message: str) -> None:
        self._opening = False
        self._release_paint()
        self._status(
            Content.assemble(
                ("Cannot open the ledger", "b"),
                "\n\n",
                plain(message, lines=True),
                "\n\nPress ",
                ("q", "b"),
                " to quit.",
            )
        )
        self.notify(
            visible_lines(message),
            title="Cannot open the ledger",
            severity="error",
            timeout=30,
            markup=False,
        )

    def _opened(self, opened: Opened) -> None:
        self._opening = False
        self.use_settings(opened.where, opened.settings, opened.settings_problem)
        if self.screen_stack[0].query("#status"):
            self._status(Content.assemble("Ledger: ", plain(opened.where)))
        if opened.first is not None:
            group, balances = opened.first
            self.call_later(self.open_group, group, balances, opened.first.token)
        else:
            from splitledger.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())  # on top at once: the empty one is not painted
            self._release_paint()
        # After the first paint, not in its way: the rest of the use cases, then the watch.
        if opened.reader is not None:
            self.call_after_refresh(self._adopt, opened.reader)
        else:
            self.call_after_refresh(self._watch)

    async def open_group(
        self, group: GroupView, balances: BalancesView | None = None, token: Token | None = None
    ) -> None:
        """Make `group` current and show its balances as the home screen (`balances`,
        if given, are the group's, just read: shown without reading them again; `token`
        is its change token, read with them)."""
        self.group = group
        self._token = token
        self.sub_title = group_title(group)  # (the header shows it as plain text)
        self.remember_group(group.name)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        mounted = self.push_screen(BalancesScreen(balances, token))
        self._release_paint()  # (it is on top: the empty screen is not painted)
        await mounted
        self.call_after_refresh(self._offer_due)  # after its frame, never before it

    def _offer_due(self) -> None:
        """Offer the group's due recurring bills, if it has any (`tui.due_offer`)."""
        from splitledger.tui.due_offer import offer_due

        offer_due(self)

    @property
    def known_token(self) -> Token | None:
        """The current group's change token as the live refresh last read it."""
        return self._token

    def group_changed(self, group: GroupView) -> None:
        """The current group was renamed or got members (by this app)."""
        self.group = group
        self.sub_title = group_title(group)
        self.remember_group(group.name)

    # -- errors --------------------------------------------------------------------

    def show_error(self, error: ServiceError) -> None:
        title = {
            "InvalidInput": "Invalid input",
            "NotFound": "Not found",
            "Conflict": "Conflict",
            "IdempotencyConflict": "Already used",
            "Unavailable": "Database unavailable",
            "StalePlan": "Changed meanwhile",
            "Cancelled": "Not saved",
            "ReadOnly": "Read-only",
        }.get(type(error).__name__, "Error")
        severity: SeverityLevel = "warning" if isinstance(error, Cancelled) else "error"
        # Plain and visible: a service's message may quote what was typed or stored.
        self.notify(
            visible_lines(str(error)), title=title, severity=severity, timeout=8, markup=False
        )

    def show_unexpected(self, error: Exception) -> None:
        self.notify(
            visible_lines(f"{type(error).__name__}: {error}"),
            title="Unexpected error",
            severity="error",
            markup=False,
        )

    # -- a crash -------------------------------------------------------------------

    def run(self, **options: Any) -> None:
        """Run the app until it quits. After an unhandled exception (a bug), once the
        terminal is restored: one line on stderr naming the log file that holds the
        traceback, and the process ends with status 1."""
        result = super().run(**options)
        if self.crash is not None:
            sys.stderr.write(crash_line(self.crash) + "\n")
            sys.stderr.flush()
            raise SystemExit(1)
        return result

    def _handle_exception(self, error: Exception) -> None:
        """Textual's handler of an exception nothing else handled (it ends the app):
        the first one's traceback goes to the log, once, as the app stops (the only
        write on the event loop; the app is over)."""
        if self.crash is None:
            self.crash = error.error if isinstance(error, WorkerFailed) else error
            log_crash(self.crash)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual would print the traceback, with its local variables (user text among
        them), on the terminal as the app ends: it is in the log instead (`run` says
        where). With TEXTUAL=debug the traceback is printed too."""
        if "debug" in self.features:
            super()._fatal_error()
            return
        self.bell()
        self._close_messages_no_wait()

    # -- actions -------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notify, and a repaint of the screen once the toast has gone.

        An expired toast removes itself without the screen repainting where it was on
        some screens (the detail of an edited bill kept it, drawn, until a scroll), so
        the screen repaints a moment after the timeout, whichever screen is current."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        after = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        self.set_timer(after + 0.1, self._repaint_after_toast)

    def _repaint_after_toast(self) -> None:
        self.screen.refresh(layout=True)

    def action_help(self) -> None:
        from splitledger.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def action_open_route(self, name: str) -> None:
        """Open the screen of one of `commands.ROUTES` (rates, a payment, settling in
        one currency, import, export) over the current one."""
        from splitledger.tui.commands import open_route

        open_route(self, name)

    def run_group_action(self, action: str) -> None:
        """Run a group screen's action from anywhere (the command palette)."""
        if self.group is None:
            self.notify("Create or load a group first.", severity="warning")
            return
        home = next((s for s in self.screen_stack if isinstance(s, BalancesScreen)), None)
        if home is not None:
            self.call_later(home.run_action, action)


def group_title(group: GroupView) -> str:
    """The header's subtitle: the group's name, and that it is read-only if archived."""
    name = visible(group.name)
    return f"{name} (archived: read-only)" if group.archived else name


def log_crash(error: BaseException) -> None:
    """Write `error` and its traceback to the log file."""
    logs.get_logger().error(
        "tui.unexpected",
        exc_info=(type(error), error, error.__traceback__),
        extra={"fields": {"error": type(error).__name__}},
    )


def crash_line(error: BaseException) -> str:
    """The one line the process leaves on stderr after a crash."""
    reason = visible(str(error).strip())
    reason = reason if len(reason) <= 200 else reason[:199] + "…"
    said = f"{type(error).__name__}: {reason}" if reason else type(error).__name__
    return f"error: the app stopped on an unexpected {said}. The details are in {logs.log_file()}"
