"""Running ledger calls off the event loop.

Every database call of the app goes through `run_db`: it runs the call in a thread
worker owned by a widget (so it is cancelled with that widget's screen) and hands the
result, or the service error, back on the event loop. Service errors become
notifications (or whatever `failed` does with them), never tracebacks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker, WorkerCancelled, WorkerState, get_current_worker

from splitledger.services import logs
from splitledger.services.errors import ServiceError
from splitledger.services.ledger import Ledger

if TYPE_CHECKING:
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
    exclusive: bool = False,
    group: str = "db",
    description: str = "ledger call",
) -> Worker[None]:
    """Run `job(ledger)` in a thread worker of `node`; then `done(result)` or
    `failed(error)` (default: an error notification) on the event loop."""
    app = ledger_app(node)
    ledger = app.ledger
    if ledger is None:
        raise RuntimeError("the ledger is not open yet")

    def deliver(callback: Callable[..., object], value: object) -> None:
        if get_current_worker().is_cancelled:
            return
        try:
            app.call_from_thread(callback, value)
        except RuntimeError:  # the app is closing: nobody to tell
            return

    def thread() -> None:
        try:
            result = job(ledger)
        except ServiceError as exc:
            deliver(failed or app.show_error, exc)
            return
        except Exception as exc:  # a bug must not kill the app: log it and say so
            logs.event("tui.error", job=description, error=repr(exc))
            deliver(app.show_unexpected, exc)
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
