"""A one-line question: rename something, name a file.

Without `submit`, the dialog returns the text (or None). With `submit`, it acts on the
answer before it closes, so that a refusal does not throw away what was typed:
`submit(prompt, answer)` starts the work from the dialog (`PromptScreen.write` for a
ledger write, `PromptScreen.work` for other blocking IO, both in a worker); a refusal
is shown under the field (plain text) with the text kept, and the dialog closes,
returning the answer, only once the work succeeded."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from splitledger.services.errors import Cancelled, ServiceError
from splitledger.tui.field_errors import clear_field_errors, show_field_error
from splitledger.tui.jobs import WriteJob, run_write
from splitledger.tui.safe import VisibleHighlighter, plain, visible

if TYPE_CHECKING:
    from splitledger.services.ledger import Ledger

T = TypeVar("T")

#: What a prompt with `submit` does with an answer: start its work from the prompt.
Submit = Callable[["PromptScreen", str], object]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Enter accepts, Escape cancels. The title, label and
    starting value may quote user text: they are shown plain and visible (so the value
    starts as shown: a caller compares the answer with `visible` of what it passed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        *,
        action: str = "OK",
        submit: Submit | None = None,
    ) -> None:
        super().__init__()
        self._title, self._label, self._value, self._action = title, label, value, action
        self._submit = submit
        #: The answer being acted on, and the work on it (a ledger write or a worker).
        self._answer = ""
        self._write: WriteJob | None = None
        self._worker: Worker[Any] | None = None
        self._then: tuple[Callable[[Any], object], Callable[[Exception], str]] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self._title, "b"), classes="dialog-title")
            yield Label(plain(self._label))
            yield Input(
                visible(self._value), id="answer", compact=True, highlighter=VisibleHighlighter()
            )
            yield Static(classes="field-error", id="answer-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._action, id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._accept()
        else:
            self.action_cancel()

    @property
    def busy(self) -> bool:
        """Whether work on an answer is in flight (a second Enter waits for it)."""
        if self._write is not None and not self._write.finished:
            return True
        return self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def _accept(self) -> None:
        if self.busy:
            return
        answer = self.query_one("#answer", Input).value.strip()
        if self._submit is None or not answer:
            self.dismiss(answer or None)
            return
        clear_field_errors(self)
        self._answer = answer
        self._submit(self, answer)

    def action_cancel(self) -> None:
        if self._write is not None and self._write.stop():
            self.notify("Cancelling…")  # (it may still land if it got the lock already)
            return
        if self.busy:  # a file being written: a moment, then it says how it went
            self.notify("Still writing: a moment…")
            return
        self.dismiss(None)

    # -- acting on the answer (from `submit`) ---------------------------------------

    def refuse(self, message: str) -> None:
        """Show why the answer cannot be taken, under the field (plain text); the dialog
        stays open with the text as typed."""
        show_field_error(self, "answer", message)

    def write(
        self,
        job: Callable[[Ledger], T],
        done: Callable[[T], object],
        *,
        what: str = "Saving",
        description: str = "ledger write",
    ) -> None:
        """Run a ledger write for the answer (`jobs.run_write`: Escape cancels it while
        it waits for another terminal); on success the dialog closes, then `done(result)`
        runs; a refusal is shown in the dialog."""

        def refused(error: ServiceError) -> None:
            if isinstance(error, Cancelled):
                self.refuse("Not saved: cancelled while another terminal was writing.")
            else:
                self.refuse(str(error))

        self._write = run_write(
            self,
            job,
            lambda result: self._succeeded(done, result),
            failed=refused,
            what=what,
            description=description,
        )

    def work(
        self,
        job: Callable[[], T],
        done: Callable[[T], object],
        *,
        explain: Callable[[Exception], str],
        description: str = "prompt work",
    ) -> None:
        """Run blocking work that is not a ledger call (a file) in a thread worker; on
        success the dialog closes, then `done(result)` runs; a failure is shown in the
        dialog as `explain(error)` says it."""
        self._then = (done, explain)
        self._worker = self.run_worker(
            job, thread=True, exit_on_error=False, group="prompt", name=description
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._worker or self._then is None:
            return
        done, explain = self._then
        if worker.state is WorkerState.SUCCESS:
            self._succeeded(done, worker.result)
        elif worker.state is WorkerState.ERROR and isinstance(worker.error, Exception):
            self.refuse(explain(worker.error))

    def _succeeded(self, done: Callable[[T], object], result: T) -> None:
        if self.is_active:  # (`dismiss` pops whatever screen is on top)
            self.dismiss(self._answer)
        done(result)
