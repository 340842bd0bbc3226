"""Live refresh (ADR 0012): a watch thread tells the app when another connection may
have committed (SQLite's data_version, PostgreSQL's LISTEN), and a poll does when no
watch can run; either way the app compares the group's change token with the one its
visible data is at, and reloads the screen if it moved. The app's base: the opening,
the errors and the group itself are `SplitLedgerApp`'s (app.py)."""

from __future__ import annotations

import contextvars
import threading
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

from splitledger.services import logs
from splitledger.services.errors import NotFound, ServiceError
from splitledger.tui import config
from splitledger.tui.jobs import run_db
from splitledger.tui.screens.base import LedgerScreen

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger
    from splitledger.services.views import GroupView

#: A group's change token (see `Ledger.change_token`).
Token = tuple[object, ...]


class LedgerChanged(Message):
    """Posted by the watch thread: something may have been committed."""


class LiveRefreshApp(config.RememberingApp):
    """The app's live refresh; `SplitLedgerApp` sets the state it reads."""

    #: Live refresh shows a write elsewhere within about this many seconds: the watch
    #: looks four times as often (one PRAGMA; PostgreSQL is told at once); without the
    #: watch, the change token is read this often.
    POLL_SECONDS: ClassVar[float] = 1.0

    ledger: Ledger | None
    group: GroupView | None
    #: The group's change token that the visible screen's data is at least as new as
    #: (None: not known; the next look reloads).
    _token: Token | None
    _poll_failing: bool
    #: Set to stop the watch thread; None while no watch runs (the poll works).
    _watch_stop: threading.Event | None

    def group_changed(self, group: GroupView) -> None:
        raise NotImplementedError

    def show_error(self, error: ServiceError) -> None:
        raise NotImplementedError

    def _watch(self) -> None:
        """Start the watch thread (once): a plain daemon thread, not a worker, as it
        runs as long as the app (a worker would never let `workers_finished` end)."""
        if self._watch_stop is not None or self.ledger is None:
            return
        ledger, stop = self.ledger, threading.Event()
        self._watch_stop = stop
        every = self.POLL_SECONDS / 4
        context = contextvars.copy_context()  # (Textual's, for `post_message`)

        def watch() -> None:
            try:
                changes = ledger.watch_changes()
            except ServiceError as exc:
                logs.event("tui.watch", error=str(exc))
                changes = None
            if changes is None:
                self._watch_stop = None  # the poll takes over
                return
            try:
                # Once now: a write may have landed since the data shown was read.
                self.post_message(LedgerChanged())
                while not stop.is_set():
                    if changes.wait(every, stop) and not self.post_message(LedgerChanged()):
                        break  # the app is closing
            except Exception as exc:  # a lost connection: the poll takes over
                logs.event("tui.watch", error=repr(exc))
                if not stop.is_set():
                    self._watch_stop = None
            finally:
                changes.close()

        threading.Thread(
            target=context.run, args=(watch,), name="splitledger-watch", daemon=True
        ).start()

    def on_ledger_changed(self, _message: LedgerChanged) -> None:
        self._look()

    def _poll(self) -> None:
        if self._watch_stop is None:
            self._look()

    def _look(self) -> None:
        """Compare the group's change token with the known one (in a worker); reload
        the visible screen if it moved."""
        if self.ledger is None or self.group is None:
            return
        name, known = self.group.name, self._token

        def look(ledger: Ledger) -> tuple[str, Token, GroupView | None]:
            token = ledger.change_token(name)
            fresh = ledger.group(name) if known is not None and token != known else None
            return name, token, fresh

        run_db(
            self,
            look,
            self._polled,
            failed=self._poll_failed,
            exclusive=True,
            group="poll",
            description="live refresh",
        )

    def _polled(self, result: tuple[str, Token, GroupView | None]) -> None:
        name, token, fresh = result
        self._poll_failing = False
        if self.group is None or self.group.name != name:
            return
        changed = token != self._token  # (not known: reload, to be sure)
        self._token = token
        if not changed:
            return
        if fresh is not None:
            self.group_changed(fresh)
        screen = self.screen
        if isinstance(screen, LedgerScreen) and screen.LIVE:
            screen.reload()

    def _poll_failed(self, error: ServiceError) -> None:
        if self._poll_failing:
            return
        self._poll_failing = True
        if isinstance(error, NotFound):
            self.notify(
                "The group was renamed or removed elsewhere; pick it again with g.",
                title="Group gone",
                severity="warning",
            )
        else:
            self.show_error(error)
