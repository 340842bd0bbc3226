"""Idempotent writes, in one place (ADR 0006, 0013).

A write under an idempotency key commits to its request: the same key with the same
request answers with what the first one did, recording nothing; the same key with a
different request (or another operation) is refused. Each use case names its operation
once, in `Idempotent.of`, and runs its write through `Idempotent.run` inside its unit of
work, after taking the group's lock (so that two writes with one key take turns).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from splitledger.services import inputs
from splitledger.services.errors import IdempotencyConflict
from splitledger.store import repository
from splitledger.store.unit import Unit

T = TypeVar("T")


def new_key() -> str:
    """A key for a write given none, where its transactions need one."""
    return f"auto:{uuid.uuid4()}"


class Idempotent(NamedTuple):
    """One request of `operation` under `key` (None: no key, nothing to replay)."""

    operation: str
    key: str | None
    fingerprint: str

    @classmethod
    def of(cls, operation: str, request: inputs.Request, key: str | None) -> Idempotent:
        return cls(operation, key, request.fingerprint(operation))

    def earlier(self, unit: Unit) -> int | None:
        """The result id the first request with this key recorded, or None if the key is
        new; `IdempotencyConflict` if it was used for a different request."""
        if self.key is None:
            return None
        seen = repository.find_request(unit, self.key)
        if seen is None:
            return None
        if seen.fingerprint != self.fingerprint or seen.operation != self.operation:
            raise IdempotencyConflict(
                f"idempotency key {self.key!r} was already used for a different request"
            )
        return seen.result_id

    def remember(self, unit: Unit, result_id: int) -> None:
        """Record that this request's result is `result_id` (same transaction)."""
        if self.key is not None:
            repository.save_request(unit, self.key, self.fingerprint, self.operation, result_id)

    def run(
        self,
        unit: Unit,
        *,
        replay: Callable[[int], T],
        write: Callable[[], tuple[T, int | None]],
    ) -> T:
        """`replay(result id)` if the key was used for this request before; else
        `write()`, which answers with its result and the id a repeat finds it by (None:
        it recorded nothing, so nothing is remembered)."""
        seen = self.earlier(unit)
        if seen is not None:
            return replay(seen)
        result, result_id = write()
        if result_id is not None:
            self.remember(unit, result_id)
        return result
