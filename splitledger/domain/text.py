"""The input policy for free text: what a name, description or category may contain.

One policy, applied at every boundary (services, imports), so that nothing typed or
imported can act on a terminal, hide itself, or make two different things look the same
(ADR 0010). Text is NFC-normalised; control characters, bidi overrides and invisible
format characters are refused with a message naming the character and its position.
Text an older version stored is shown through `visible`, never raw.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from splitledger.domain.errors import DomainError


class TextError(DomainError):
    """Free text that the input policy refuses."""


#: Bidi embeddings, overrides, isolates and marks: they reorder what a reader sees.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZWJ = "\u200d"
#: Runs of tabs and line breaks, folded to one space in an imported cell.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
}


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ord(ch), "")
    code = f"U+{ord(ch):04X}"
    return f"{code} ({name})" if name else code


def _kind(ch: str) -> str | None:
    """Why `ch` is refused in text, or None when it is fine."""
    if ch in _BIDI:
        return "a text-direction control character"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "a control character"
    if category in {"Cf", "Zl", "Zp"}:
        return "an invisible character"
    if category == "Cs":
        return "a lone surrogate"
    if category == "Cn":
        return "an unassigned character"
    return None


def _emoji_joiner(text: str, index: int) -> bool:
    """A zero-width joiner between two pictographs (👩‍💻) draws one emoji: allowed."""

    def pictograph(ch: str) -> bool:
        return ord(ch) > 0x2000 and unicodedata.category(ch) in {"So", "Sk", "Mn"}

    return 0 < index < len(text) - 1 and pictograph(text[index - 1]) and pictograph(text[index + 1])


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """`value` NFC-normalised and trimmed, or `TextError` naming the first problem.

    Positions in messages count characters from 1, after trimming.
    """
    if not isinstance(value, str):
        raise TextError(f"{field}: expected text", field=field)
    if value.isascii() and value.isprintable():  # the common case: nothing to refuse
        text = value.strip()
        checked = True
    else:
        text = unicodedata.normalize("NFC", value).strip()
        checked = False
    for index, ch in enumerate("" if checked else text):
        kind = _kind(ch)
        if kind is None or (ch == _ZWJ and _emoji_joiner(text, index)):
            continue
        raise TextError(
            f"{field}: contains {kind} {_describe(ch)} at position {index + 1}", field=field
        )
    if required and not text:
        raise TextError(f"{field}: must not be empty", field=field)
    if len(text) > max_length:
        raise TextError(
            f"{field}: is {len(text)} characters long; at most {max_length} are allowed",
            field=field,
        )
    return text


def fold_cell(value: str) -> str:
    """An imported cell with each run of tabs and line breaks folded to one space; the
    result still has to pass `clean_text`."""
    return _BREAKS.sub(" ", value)


def visible(text: str) -> str:
    """`text` safe to show anywhere: every character the policy refuses is replaced by a
    visible stand-in (C0 controls by their Control Pictures, ␛ for ESC, the rest by
    U+FFFD). For text stored before the policy existed; new text never needs it."""
    if text.isprintable():  # fast path: no Cc/Cf/Z* except space, nothing to replace
        return text
    out: list[str] = []
    for index, ch in enumerate(text):
        if _kind(ch) is None or (ch == _ZWJ and _emoji_joiner(text, index)):
            out.append(ch)
        elif ord(ch) < 0x20:
            out.append(chr(0x2400 + ord(ch)))
        elif ch == "\x7f":
            out.append("\u2421")
        else:
            out.append("\ufffd")
    return "".join(out)


# -- identity of names ------------------------------------------------------------


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(prototypes, ascii_lookalikes) from Unicode's confusables data.

    `confusable_homoglyphs` ships TR39's confusables.txt: single characters that Unicode
    lists as confusable are joined into classes, and the lowest code point stands for
    its class (the prototypes). A class with exactly one ASCII letter also maps its
    other members to that letter, case kept (Cyrillic В to B): applied before
    case-folding, so that `Вob` reads as `Bob` although `в` reads as `ʙ` (ADR 0010).
    """
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while (up := parent.get(ch, ch)) != ch:
            parent[ch] = parent.get(up, up)
            ch = up
        return ch

    for ch, homoglyphs in confusables_data.items():
        if len(ch) != 1:
            continue
        for entry in homoglyphs:
            other = str(entry["c"]).replace("\u200e", "").replace("\u200f", "")
            if len(other) != 1:
                continue
            a, b = root(ch), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
                parent.setdefault(min(a, b), min(a, b))  # roots are listed too
    prototypes = {ch: root(ch) for ch in parent}
    letters: dict[str, set[str]] = {}
    for ch, proto in prototypes.items():
        if ch.isascii() and ch.isalpha():
            letters.setdefault(proto, set()).add(ch)
    lookalikes = {
        ch: next(iter(letters[proto]))
        for ch, proto in prototypes.items()
        if not ch.isascii() and len(letters.get(proto, ())) == 1
    }
    return prototypes, lookalikes


def name_key(name: str) -> str:
    """What a person reads in `name`: two names with the same key are the same name.

    Look-alikes of one ASCII letter become that letter (Cyrillic а is a, В is B), then
    the name is case-folded and NFKC-normalised (full-width and styled letters to plain
    ones), each character replaced by the representative of its confusable class (l is
    1), whitespace runs as one space, invisible characters dropped.
    """
    prototypes, lookalikes = _tables()
    latin = "".join(lookalikes.get(ch, ch) for ch in unicodedata.normalize("NFKC", name))
    folded = unicodedata.normalize("NFKC", latin.casefold())
    out: list[str] = []
    for ch in folded:
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        elif _kind(ch) is None:
            out.append(prototypes.get(ch, ch))
    return "".join(out).strip()
