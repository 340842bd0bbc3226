"""The words of a Splitwise export in the languages Splitwise writes it in.

Splitwise writes its CSV export in the user's language: the five headings before the
member columns, the category of payments between two members and the label of the
closing balance lines. This table is what the reader recognises; headings are compared
folded (`fold`: case, accents and spacing ignored), so the lower-case headings of old
exports and a file re-saved without accents read the same.

Where Splitwise's wording is not known for certain, the plausible synonyms are listed
too (a heading is only ever compared within its own column, so a synonym cannot make
a data row read as a header).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """One language's words. Each heading is a tuple of accepted spellings, the first
    being the one messages quote."""

    code: str
    date: tuple[str, ...]
    description: tuple[str, ...]
    category: tuple[str, ...]
    cost: tuple[str, ...]
    currency: tuple[str, ...]
    #: The category Splitwise gives a payment ("settle up") between two members.
    payment: tuple[str, ...]
    #: The label of the closing lines (one per currency), in the Description column.
    totals: tuple[str, ...]

    @property
    def headings(self) -> tuple[tuple[str, ...], ...]:
        return (self.date, self.description, self.category, self.cost, self.currency)


ENGLISH = Language(
    "en",
    ("Date",),
    ("Description",),
    ("Category",),
    ("Cost",),
    ("Currency",),
    payment=("Payment",),
    totals=("Total balance", "Current balance"),  # "Current balance": older exports
)

LANGUAGES: tuple[Language, ...] = (
    ENGLISH,
    Language(
        "de",
        ("Datum",),
        ("Beschreibung",),
        ("Kategorie",),
        ("Kosten", "Betrag"),
        ("Währung",),
        payment=("Zahlung",),
        totals=("Gesamtbilanz", "Gesamtsaldo", "Aktueller Saldo"),
    ),
    Language(
        "fr",
        ("Date",),
        ("Description",),
        ("Catégorie",),
        ("Coût", "Montant"),
        ("Devise", "Monnaie"),
        payment=("Paiement",),
        totals=("Solde total", "Solde actuel", "Balance totale"),
    ),
    Language(
        "es",
        ("Fecha",),
        ("Descripción",),
        ("Categoría",),
        ("Coste", "Costo"),
        ("Moneda", "Divisa"),
        payment=("Pago",),
        totals=("Saldo total", "Saldo actual", "Balance total"),
    ),
    Language(
        "it",
        ("Data",),
        ("Descrizione",),
        ("Categoria",),
        ("Costo", "Importo"),
        ("Valuta",),
        payment=("Pagamento",),
        totals=("Saldo totale", "Saldo attuale", "Bilancio totale"),
    ),
    Language(
        "pt",
        ("Data",),
        ("Descrição",),
        ("Categoria",),
        ("Custo", "Valor"),
        ("Moeda",),
        payment=("Pagamento",),
        totals=("Saldo total", "Saldo atual", "Balanço total"),
    ),
    Language(
        "nl",
        ("Datum",),
        ("Omschrijving", "Beschrijving"),
        ("Categorie",),
        ("Kosten", "Bedrag"),
        ("Valuta",),
        payment=("Betaling",),
        totals=("Totaal saldo", "Totaalsaldo", "Huidig saldo", "Totale balans"),
    ),
)


def fold(text: str) -> str:
    """`text` as headings and labels are compared: NFKD without accents, case-folded,
    runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


_FOLDED: tuple[tuple[Language, tuple[frozenset[str], ...]], ...] = tuple(
    (lang, tuple(frozenset(fold(s) for s in spellings) for spellings in lang.headings))
    for lang in LANGUAGES
)

#: Every language's closing-line labels, folded.
TOTAL_LABELS: frozenset[str] = frozenset(fold(t) for lang in LANGUAGES for t in lang.totals)


def language_of(cells: list[str]) -> Language | None:
    """The language whose five headings the first five cells are, or None."""
    if len(cells) < len(ENGLISH.headings):
        return None
    found = [fold(c) for c in cells[: len(ENGLISH.headings)]]
    for lang, headings in _FOLDED:
        if all(cell in accepted for cell, accepted in zip(found, headings, strict=True)):
            return lang
    return None


def closest(cells: list[str]) -> tuple[Language, int]:
    """For a header no language matches: the language that matches the most leading
    headings (English on a tie) and the index of its first mismatch."""
    found = [fold(c) for c in cells[: len(ENGLISH.headings)]]
    found += [""] * (len(ENGLISH.headings) - len(found))
    best, best_index = ENGLISH, -1
    for lang, headings in _FOLDED:
        index = next(
            (i for i, (c, ok) in enumerate(zip(found, headings, strict=True)) if c not in ok),
            len(headings),
        )
        if index > best_index:
            best, best_index = lang, index
    return best, best_index


def folded_in(text: str, folded: frozenset[str]) -> bool:
    """Whether `fold(text)` is in `folded`; ASCII text (nearly every cell) is only
    lower-cased and its spaces collapsed, which is what folding does to it."""
    low = text.lower()
    if low.isascii():
        return " ".join(low.split()) in folded
    return fold(text) in folded


def payment_categories(lang: Language) -> frozenset[str]:
    """The folded categories a payment row may carry in a file in `lang` (its own word
    and English's)."""
    return frozenset(fold(p) for p in (*lang.payment, *ENGLISH.payment))


def is_total_label(text: str) -> bool:
    """Whether a Description cell is a closing line's label, in any language."""
    return folded_in(text, TOTAL_LABELS)
