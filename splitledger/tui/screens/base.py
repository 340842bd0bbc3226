"""What every screen of a group shares: a typed handle on the app and its group, a
`reload` that fetches the screen's data in a worker, and a reload whenever the screen
comes back to the top (so it never shows data older than the write that just closed
the screen above it) — except right after it was opened with data read for it
(`handed_data`), which it would only read again.

That exception cannot hide a write: the app's live refresh compares the group's change
token with one read no later than the data shown (for the first screen, in the same
transaction), so a write landing after that read is seen and the screen reloaded. If
the refresh learns of it before the screen is on top, the screen sees on resume that
the app's token is no longer the one its data was read with, and reads again."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen

from splitledger.tui.jobs import ledger_app

if TYPE_CHECKING:
    from splitledger.services.views import GroupView
    from splitledger.tui.app import SplitLedgerApp


class LedgerScreen(Screen[None]):
    """A screen showing data of the current group; `reload` refetches it."""

    #: Shown by the `?` help screen above the list of keys.
    HELP_TEXT: ClassVar[str] = ""
    #: Whether the app's live refresh should call `reload` when the group changes.
    LIVE: ClassVar[bool] = True
    #: Opened with its data read for it: the first resume need not read it again.
    _handed: bool = False
    #: The change token read with the handed data (None: not known).
    _handed_token: object = None

    @property
    def sl_app(self) -> SplitLedgerApp:
        return ledger_app(self)

    @property
    def group(self) -> GroupView:
        group = self.sl_app.group
        if group is None:
            raise RuntimeError("no group is open")
        return group

    def handed_data(self, token: object = None) -> None:
        """The screen is about to be shown with data its opener read for it (before
        it is pushed): its first resume does not read the data again, unless the app
        has since seen the group's change `token` (read with the data) move."""
        self._handed = True
        self._handed_token = token

    def reload(self) -> None:
        """Fetch this screen's data again (in a worker)."""

    def on_screen_resume(self) -> None:
        if self._handed:
            self._handed = False
            token = self._handed_token
            if token is None or token == self.sl_app.known_token:
                return
        self.reload()
