"""What every import reader returns, and the options a reader may take (issue 18).

A reader turns another app's export into domain values: the members, balanced keyed
transactions, and the totals to reconcile with. `totals` are the source's own figures
when the file carries them (Splitwise's `Total balance` lines, a dump's balances); a
format that carries none reconciles against the per-member sums the reader computed from
the file's own cells, independently of the transactions it built (`totals_from`). The
services then import all or nothing and compare the ledger with `totals` to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from splitledger.domain import Rate, Transaction

#: {(member, currency): minor}
Totals = dict[tuple[str, str], int]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user may relax or add on the command line; each reader reads only what
    applies to it and refuses with a `FormatError` naming the flag otherwise.

    - `unbalanced_to`: a member (created if missing) that takes each row's difference
      when a row's member cells do not sum to its effect (former members without a
      column, Splitwise);
    - `no_footer`: import a file that has no totals line for some currency, saying it
      could not be reconciled against one;
    - `mapping`: the generic CSV's columns (`date=Date,amount=Cost,…`);
    - `progress`: called with rows read so far, now and then;
    - `currency`: the currency of a file that does not name its own (`--currency`;
      Cospend without a currency section, IHateMoney's `XXX`).
    """

    unbalanced_to: str | None = None
    no_footer: bool = False
    mapping: Mapping[str, str] | None = None
    progress: Callable[[int], None] | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """A file read into the domain. `transactions` are balanced and keyed by their
    content (re-importing the file, or a longer export of it, finds the same keys);
    `reverses`/`replaces` link keys for the formats that keep history (our JSON dump)."""

    format: str
    members: tuple[str, ...]
    #: The currency for a new group: the file's own, else the one most rows use.
    currency: str | None
    transactions: list[Transaction]
    totals: Totals
    #: "file": the source's own totals; "rows": summed from the file's cells.
    totals_from: Literal["file", "rows"] = "file"
    #: Rows that change no balance, counted and left out.
    no_effect: int = 0
    rates: tuple[Rate, ...] = ()
    reverses: dict[str, str] = field(default_factory=dict)
    replaces: dict[str, str] = field(default_factory=dict)
    #: Lines for the summary ("12.00 USD over 3 rows went to Former members"; "no
    #: footer for EUR: not reconciled against one").
    notes: tuple[str, ...] = ()
