"""Running ledger calls off the event loop.

Every database call of the app goes through `run_db`: it runs the call in a thread
worker owned by a widget (so it is cancelled with that widget's screen) and hands the
result, or the service error, back on the event loop. Service errors become
notifications (or whatever `failed` does with them), never tracebacks.

A save the user waits for goes through `run_write`: still running after
`SAVING_DELAY`, it says so (`SavingScreen`: "saving… (another terminal is writing)" once
the services report a wait for the lock), and Escape cancels it while it waits: the
services stop at the next slice of the wait with `Cancelled`, nothing written.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerState, get_current_worker

from splitledger.services import logs
from splitledger.services.errors import ServiceError

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger
    from splitledger.tui.app import SplitLedgerApp

T = TypeVar("T")


_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


async def workers_finished(app: App[Any]) -> None:
    """Wait until every worker the app has now is over; a failed one raises.

    Unlike `app.workers.wait_for_complete()`, a cancelled worker counts as finished:
    cancelling is routine here (an exclusive reload replaces the one before it; a
    popped screen cancels its workers, even one that has just handed over its result),
    so it must not read as an error to the tests and the screenshot script.
    """
    for worker in [w for w in app.workers if w.state in _BUSY]:
        if worker.state is WorkerState.PENDING:
            continue  # not started yet: the next round will see it
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


def ledger_app(node: DOMNode) -> SplitLedgerApp:
    """The running app, typed."""
    return cast("SplitLedgerApp", node.app)


def run_db(
    node: DOMNode,
    job: Callable[[Ledger], T],
    done: Callable[[T], object],
    *,
    failed: Callable[[ServiceError], object] | None = None,
    unexpected: Callable[[Exception], object] | None = None,
    exclusive: bool = False,
    group: str = "db",
    description: str = "ledger call",
) -> Worker[None]:
    """Run `job(ledger)` in a thread worker of `node`; then `done(result)` or
    `failed(error)` (default: an error notification) on the event loop; a bug's
    exception goes to `unexpected` (default: a notification saying so)."""
    app = ledger_app(node)

    def deliver(callback: Callable[..., object], value: object) -> None:
        if get_current_worker().is_cancelled:
            return
        try:
            app.call_from_thread(callback, value)
        except RuntimeError:  # the app is closing: nobody to tell
            return

    def thread() -> None:
        try:
            # (Just after the first frame the ledger may still be being handed over.)
            result = job(app.ledger or app.wait_for_ledger())
        except ServiceError as exc:
            deliver(failed or app.show_error, exc)
            return
        except Exception as exc:  # a bug must not kill the app: log it and say so
            logs.event("tui.error", job=description, error=repr(exc))
            deliver(unexpected or app.show_unexpected, exc)
            return
        deliver(done, result)

    return node.run_worker(
        thread,
        name=description,
        group=group,
        thread=True,
        exclusive=exclusive,
        exit_on_error=False,
    )


#: Seconds a save runs before the app says that it is saving.
SAVING_DELAY = 0.5


class WriteJob:
    """A write in flight that the user can follow and cancel."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.cancel = threading.Event()
        #: Set (from the worker's thread) once the write waits for another's lock.
        self.waiting = threading.Event()
        self.finished = False

    def text(self) -> str:
        if self.cancel.is_set():
            return "Cancelling…"
        if self.waiting.is_set():
            return f"{self.what}… (another terminal is writing)"
        return f"{self.what}…"

    def stop(self) -> bool:
        """Cancel the write if it still runs (it may still land if it got the lock
        already); False if it is over."""
        if self.finished:
            return False
        self.cancel.set()
        return True


class SavingScreen(ModalScreen[None]):
    """Says that a save runs (and why it takes long); Escape cancels it. Closed by
    `run_write` when the save is over."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, job: WriteJob) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.job.text(), id="saving-text", markup=False)
            yield Static("Escape cancels (nothing is saved).", classes="hint")

    def on_mount(self) -> None:
        self.set_interval(0.1, self._update)

    def _update(self) -> None:
        self.query_one("#saving-text", Static).update(self.job.text())

    def action_cancel(self) -> None:
        self.job.stop()
        self._update()


def run_write(
    node: DOMNode,
    job: Callable[[Ledger], T],
    done: Callable[[T], object],
    *,
    failed: Callable[[ServiceError], object] | None = None,
    what: str = "Saving",
    description: str = "ledger write",
) -> WriteJob:
    """`run_db` for a write the user waits for (see the module's docstring): `done`
    or `failed` run once the saying screen, if shown, is closed. `WriteJob.stop`
    cancels it (a form's Escape)."""
    app = ledger_app(node)
    write = WriteJob(what)
    shown: list[SavingScreen] = []

    def say() -> None:
        if not write.finished:
            shown.append(SavingScreen(write))
            app.push_screen(shown[0])

    def over() -> None:
        write.finished = True
        timer.stop()
        if shown and app.screen is shown[0]:
            app.pop_screen()

    def succeeded(result: T) -> None:
        over()
        done(result)

    def refused(error: ServiceError) -> None:
        over()
        (failed or app.show_error)(error)

    def broke(error: Exception) -> None:
        over()
        app.show_unexpected(error)

    def guarded(ledger: Ledger) -> T:
        with ledger.lock_waits(cancel=write.cancel, on_wait=lambda _s: write.waiting.set()):
            return job(ledger)

    timer = node.set_timer(SAVING_DELAY, say, name="saving")
    run_db(node, guarded, succeeded, failed=refused, unexpected=broke, description=description)
    return write
