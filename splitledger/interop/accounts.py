"""Member names turned into journal account names that the tools accept, one to one.

Both tools restrict account names (hledger: no `:` inside a component, no `;`, no runs
of spaces; beancount: components of letters, digits and `-` that start with an upper-case
letter or a digit), so names are cleaned. Cleaning alone is not one to one (`a:b` and
`a-b` both clean to `a-b`), and a cleaned name can be the very name another member goes
by: a reader matching `hledger bal` to `splitledger balances` would read the wrong line.
So, for a given set of names and whatever their order, each name's account is:

1. the name itself, when it needs no cleaning (`a-b` is `members:a-b`);
2. else its cleaned name, when that reads like no other name (no other member's name or
   cleaned name has the same `name_key`: case, look-alikes and spacing aside, ADR 0010);
3. else its cleaned name with the first suffix `-2`, `-3`, … that reads like no member's
   name or cleaned name and no account already given, the names concerned taking their
   turns in code-point order (`a:b` beside `a-b` and `a-b-2` is `members:a-b-3`).

Names are in one namespace per prefix; the hidden exchange accounts of conversions
(`exchange:EUR-USD`) go under their own prefix. A name first met after the map was
built (beancount's writer streams and meets removed members in the postings) is fitted
in by the same rules around the accounts already given. Control characters of names
stored before the input policy are made visible first.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from splitledger.domain import name_key, visible
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
    """name -> account, one to one, by the rules of the module docstring; `items()`
    lists them in the order the names were given (then met)."""

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
        self._used: set[str] = set()  # accounts given
        self._taken: set[str] = set()  # their keys
        self._reserved: Counter[str] = Counter()  # keys of every name and cleaned name
        names = list(dict.fromkeys(members))
        forms = {name: self._forms(name) for name in names}
        for own in forms.values():
            self._reserved.update(set(map(name_key, own)))
        # Two names with one form: a member `EUR-USD` and `exchange:EUR-USD` under one prefix.
        forms_of = Counter(literal for literal, _ in forms.values())
        given: dict[str, str] = {}
        for name, (literal, cleaned) in forms.items():
            if forms_of[literal] == 1 and (
                literal == cleaned or self._reads_as_nobody_else(cleaned)
            ):
                given[name] = cleaned
        self._give(given)
        for name in sorted(n for n in names if n not in given):
            given[name] = self._numbered(forms[name][1])
            self._give({name: given[name]})
        self._map = {name: given[name] for name in names}  # the order given, for items()

    def _forms(self, name: str) -> tuple[str, str]:
        """(the name as it is, its cleaned name), each with its prefix: equal when the
        name needs no cleaning."""
        if is_exchange_account(name):
            rest = name.removeprefix(EXCHANGE_PREFIX)
            return self.exchange_prefix + rest, self.exchange_prefix + self.clean(rest)
        return self.prefix + name, self.prefix + self.clean(name)

    def _reads_as_nobody_else(self, cleaned: str) -> bool:
        """Rule 2: no other name, as it is or cleaned, has the key of `cleaned` (whose
        own names are already reserved), and no account given has it either."""
        key = name_key(cleaned)  # reserved once by this very name, as its cleaned name
        return self._reserved[key] == 1 and key not in self._taken

    def _numbered(self, cleaned: str) -> str:
        """Rule 3: `cleaned-N` for the first N from 2 that reads like nothing else."""
        n = 2
        while True:
            found = f"{cleaned}-{n}"
            key = name_key(found)
            if not self._reserved[key] and key not in self._taken and found not in self._used:
                return found
            n += 1

    def _give(self, accounts: dict[str, str]) -> None:
        for name, account in accounts.items():
            self._map[name] = account
            self._used.add(account)
            self._taken.add(name_key(account))

    def __getitem__(self, member: str) -> str:
        found = self._map.get(member)
        if found is None:  # a name met late: fitted in around the accounts given
            literal, cleaned = self._forms(member)
            self._reserved.update({name_key(literal), name_key(cleaned)})
            if literal == cleaned:
                fits = cleaned not in self._used
            else:
                fits = self._reads_as_nobody_else(cleaned)
            found = cleaned if fits else self._numbered(cleaned)
            self._give({member: found})
        return found

    def items(self) -> list[tuple[str, str]]:
        return list(self._map.items())
