"""The history search box: free text plus `member:`, `cat:`, `note:`, `kind:`, `from:` and
`to:` filters (the CLI's `history` options; `note:` finds words in notes), so that every
filter is one keystroke sequence away (no mouse, no dialogs).

Free text goes to the search as typed: `%`, `_`, backslashes and apostrophes are
characters to find, never wildcards or escapes. Words are separated by spaces; quotes
("dinner at", member:'Ann Lee') group words only where a word starts and when they
are closed before a space or the end.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from splitledger.domain import TxKind
from splitledger.services.errors import InvalidInput

SEARCH_HINT = (
    "text · member:NAME · cat:CATEGORY · note:TEXT · kind:expense|payment|conversion|reversal · "
    "from:YYYY-MM-DD · to:YYYY-MM-DD"
)
_KEYS = {
    "member": "member",
    "m": "member",
    "cat": "category",
    "category": "category",
    "note": "note",
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
    note: str | None = None

    def as_kwargs(self) -> dict[str, object]:
        """The filter arguments of `Ledger.history` (`note` only when searched for)."""
        found: dict[str, object] = {
            "text": self.text,
            "member": self.member,
            "category": self.category,
            "kind": self.kind,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
        if self.note is not None:
            found["note"] = self.note
        return found


#: A word: a quoted phrase (after an optional `key:`) closed before a space or the end,
#: else a run of anything but spaces.
_WORD = re.compile(r"""(?:(?P<key>[A-Za-z]+):)?(?P<q>["'])(?P<phrase>.*?)(?P=q)(?=\s|$)|\S+""")


def _words(raw: str) -> list[tuple[str | None, str, str]]:
    """(key or None, value, the word as typed) for each word of `raw`."""
    found: list[tuple[str | None, str, str]] = []
    for match in _WORD.finditer(raw):
        word = match[0]
        if match["q"] is not None:
            found.append((match["key"], match["phrase"], word))
            continue
        key, sep, value = word.partition(":")
        found.append((key, value, word) if sep else (None, word, word))
    return found


def parse_query(raw: str) -> HistoryQuery:
    """Parse the search box; raises `InvalidInput` (field "search") on a bad filter."""
    text: list[str] = []
    found: dict[str, object] = {}
    for key, value, word in _words(raw):
        field = _KEYS.get(key.lower()) if key is not None else None
        if key is None or field is None:
            if key is None and value:
                text.append(value)
            elif key is not None:
                text.append(word)  # `http://…`, `x:y`: not a filter, text as typed
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
