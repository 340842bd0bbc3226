"""Hostile input, drawn from the categories the input policy is about (ADR 0010):
markup, terminal escapes, C1 controls, bidi overrides, invisible characters, look-alike
names, 500-character text, wide scripts and emoji; amounts, dates and ids out of range."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

PIECES = [
    "[bold]x[/]",
    "[@click=app.quit]q[/]",
    "[link=file:///etc/passwd]L[/link]",
    "\x1b]2;PWNED\x1b\\",
    "\x1b[31m",
    "\x9b31m",
    "\x07",
    "\x00",
    "\t",
    "\n",
    "\r\n",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "=",
    ",",
    ";",
    " ",
    "ann",
    "Ann",
    "\u0430nn",
    "ａｎｎ",
    "漢字",
    "🍕",
    "👩\u200d💻",
    "e\u0301",
    "=cmd|' /C calc'!A0",
    "x" * 500,
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=0, max_size=4
).map("".join)

#: Half plain words (so that writes succeed and the ledger grows), half hostile.
text = st.one_of(
    st.sampled_from(["Dinner", "Rent", "Café", "[bold]x[/]", "家", "🍕 night", "a" * 100]),
    hostile_text,
)

amounts = st.one_of(
    st.integers(min_value=1, max_value=10**7).map(lambda c: f"{c // 100}.{c % 100:02d}"),
    st.integers(min_value=1, max_value=10**6).map(lambda n: f"{n:,}"),
    st.sampled_from(
        [
            "30",
            "0.01",
            "1,234.50",
            "-5",
            "0",
            "1_0_0",
            "1e3",
            "1E-2",
            "0x10",
            "NaN",
            "Infinity",
            "-inf",
            "10 eur",
            "1 000",
            "12,34",
            "1.2.3",
            "٣",
            "9" * 30,
            "10000000000000.01",
            "",
            " ",
            ".5",
            "+4",
        ]
    ),
    st.text(alphabet="0123456789,.-+_e x", max_size=12),
)

dates = st.one_of(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.dates(min_value=dt.date(1969, 12, 25), max_value=dt.date(2100, 1, 5)),
)

date_texts = st.one_of(
    dates.map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "26-1-1", "today", "", "2026-02-28T10:00"]),
)

ids = st.one_of(
    st.integers(min_value=-5, max_value=50),
    st.integers(min_value=2**63 - 2, max_value=2**63 + 2),
    st.just(10**23),
)
