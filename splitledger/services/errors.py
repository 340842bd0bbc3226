"""Typed service errors, so that faces can show each plainly (and the CLI can map each
to its exit code) without knowing about databases or the domain's internals."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a face should show as a message, never as a traceback. The
    message is made visible (ADR 0010): it may quote a name as typed, with a newline or
    an ESC in it, and every face prints a message as one line of plain text."""

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            from splitledger.domain.text import visible  # only when something failed

            args = (visible(args[0]),)
        super().__init__(*args)


class InvalidInput(ServiceError):
    """Bad input of any kind: nothing was written. `field` names what to fix."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(InvalidInput):
    """A named group, member or transaction does not exist."""


class Conflict(ServiceError):
    """The request contradicts what the ledger already holds (e.g. reversing twice)."""


class ReadOnly(Conflict):
    """The write would change what is read-only: an archived group, or dates on or
    before a group's close (ADR 0018). Nothing was written; the message names why."""

    def __init__(self, message: str, *, group: str) -> None:
        super().__init__(message)
        self.group = group


class IdempotencyConflict(Conflict):
    """An idempotency key was reused with a different payload."""


class Unavailable(ServiceError):
    """The database cannot be opened, is locked past every retry, or is unreachable."""


class Stale(Conflict):
    """The data an action was offered on changed since it was shown (another terminal
    wrote meanwhile): nothing was written. Subclasses carry what holds now."""


class Cancelled(ServiceError):
    """The caller cancelled a write while it waited for the ledger: nothing was written."""
