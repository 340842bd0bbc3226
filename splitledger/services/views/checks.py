"""What `verify` and imports report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing `verify` found wrong, with the transaction or group it concerns."""

    code: str
    message: str
    transaction_id: int | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify` checked and the problems it found (`ok` when none)."""

    problems: tuple[Problem, ...]
    transactions_checked: int
    postings_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    group: str
    created_group: bool
    added_members: tuple[str, ...]
    recorded: int
    skipped: int
    #: {(member, currency): change in minor units} made by the import
    changes: dict[tuple[str, str], int]
    mismatches: tuple[str, ...]
    committed: bool
