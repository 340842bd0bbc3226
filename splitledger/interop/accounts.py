"""Member names turned into journal account names that the tools accept, one to one.

Both tools restrict account names (hledger: no `:` inside a component, no `;`, no runs
of spaces; beancount: components of letters, digits and `-` that start with an upper-case
letter or a digit). Names are cleaned deterministically and made unique by a numeric
suffix in the order given, so the same group always maps to the same accounts. Control
characters of names stored before the input policy are made visible first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from splitledger.domain import visible
from splitledger.domain.fx import EXCHANGE_PREFIX, is_exchange_account


def hledger_component(name: str) -> str:
    cleaned = " ".join(visible(name).replace(":", "-").replace(";", ",").split())
    return cleaned or "unnamed"


def _word_char(ch: str) -> bool:
    """A letter or a decimal digit, in Unicode's sense (what beancount allows)."""
    category = unicodedata.category(ch)
    return category.startswith("L") or category == "Nd"


def beancount_component(name: str) -> str:
    chars = [ch if _word_char(ch) else "-" for ch in name.strip()]
    text = "-".join(part for part in "".join(chars).split("-") if part)
    if not text:
        return "Member"
    first = text[0].upper() if unicodedata.category(text[0]) == "Ll" else text[0]
    if unicodedata.category(first[0]) not in {"Lu", "Nd"}:
        return "M-" + text
    return first + text[1:]


class AccountMap:
    """member -> account, unique, computed in a fixed order. The hidden exchange accounts
    of conversions (`exchange:EUR-USD`) go under `exchange_prefix` instead (equity, as
    the tools' own conventions for currency conversion have it)."""

    def __init__(
        self,
        prefix: str,
        clean: Callable[[str], str],
        members: Iterable[str],
        *,
        exchange_prefix: str | None = None,
    ) -> None:
        self.prefix = prefix
        self.exchange_prefix = exchange_prefix or prefix
        self.clean = clean
        self._map: dict[str, str] = {}
        self._used: set[str] = set()
        for member in members:
            self[member]

    def __getitem__(self, member: str) -> str:
        found = self._map.get(member)
        if found is None:
            if is_exchange_account(member):
                base = self.exchange_prefix + self.clean(member.removeprefix(EXCHANGE_PREFIX))
            else:
                base = self.prefix + self.clean(member)
            found, n = base, 1
            while found in self._used:
                n += 1
                found = f"{base}-{n}"
            self._map[member] = found
            self._used.add(found)
        return found

    def items(self) -> list[tuple[str, str]]:
        return list(self._map.items())
