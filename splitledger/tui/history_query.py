"""The history search box: free text plus `member:`, `cat:`, `kind:`, `from:` and `to:`
filters, so that every filter is one keystroke sequence away (no mouse, no dialogs)."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass

from splitledger.domain import TxKind
from splitledger.services.errors import InvalidInput

SEARCH_HINT = (
    "text · member:NAME · cat:CATEGORY · kind:expense|payment|reversal · "
    "from:YYYY-MM-DD · to:YYYY-MM-DD"
)
_KEYS = {
    "member": "member",
    "m": "member",
    "cat": "category",
    "category": "category",
    "kind": "kind",
    "k": "kind",
    "from": "date_from",
    "to": "date_to",
}


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    text: str | None = None
    member: str | None = None
    category: str | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_kwargs(self) -> dict[str, object]:
        """The filter arguments of `Ledger.history`."""
        return {
            "text": self.text,
            "member": self.member,
            "category": self.category,
            "kind": self.kind,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }


def parse_query(raw: str) -> HistoryQuery:
    """Parse the search box; raises `InvalidInput` (field "search") on a bad filter."""
    try:
        words = shlex.split(raw)
    except ValueError:  # an unclosed quote while typing: take the words as they are
        words = raw.split()
    text: list[str] = []
    found: dict[str, object] = {}
    for word in words:
        key, sep, value = word.partition(":")
        field = _KEYS.get(key.lower()) if sep else None
        if field is None:
            text.append(word)
            continue
        if not value:
            raise InvalidInput(f"search: {key}: needs a value", field="search")
        if field == "kind":
            kinds = [k.value for k in TxKind if k.value.startswith(value.lower())]
            if len(kinds) != 1:
                raise InvalidInput(
                    f"search: kind is one of {', '.join(k.value for k in TxKind)}",
                    field="search",
                )
            found[field] = kinds[0]
        elif field in {"date_from", "date_to"}:
            try:
                found[field] = dt.date.fromisoformat(value)
            except ValueError:
                raise InvalidInput(
                    f"search: {key}: {value!r} is not a date (YYYY-MM-DD)", field="search"
                ) from None
        else:
            found[field] = value
    return HistoryQuery(text=" ".join(text) or None, **found)  # type: ignore[arg-type]
