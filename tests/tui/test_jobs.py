"""`workers_finished`: a cancelled worker is finished, a failed one is an error."""

from __future__ import annotations

import threading

import pytest
from textual.app import App
from textual.worker import WorkerFailed, WorkerState

from splitledger.tui.jobs import workers_finished


async def test_a_cancelled_worker_counts_as_finished() -> None:
    # The race behind a flaky test: a screen popped by a worker's own callback
    # cancels that worker while its thread is still returning.
    release = threading.Event()
    app: App[None] = App()
    async with app.run_test() as pilot:
        worker = app.run_worker(release.wait, thread=True, exit_on_error=False)
        await pilot.pause()
        worker.cancel()
        release.set()
        await workers_finished(app)
        assert worker.state is WorkerState.CANCELLED


async def test_a_failed_worker_is_raised() -> None:
    def boom() -> None:
        raise ValueError("boom")

    app: App[None] = App()
    async with app.run_test():
        app.run_worker(boom, thread=True, exit_on_error=False)
        with pytest.raises(WorkerFailed):
            await workers_finished(app)


async def test_it_waits_for_a_running_worker() -> None:
    release = threading.Event()
    app: App[None] = App()
    async with app.run_test() as pilot:
        worker = app.run_worker(release.wait, thread=True, exit_on_error=False)
        await pilot.pause()
        app.call_later(release.set)
        await workers_finished(app)
        assert worker.state is WorkerState.SUCCESS
