"""Splitwise exports as the site writes them: a header, a blank line, one line per
expense or payment (member cells: net effect on that member), a blank line and the
"Total balance" line."""

from __future__ import annotations

HEADER = "Date,Description,Category,Cost,Currency,Ann Lee,Bob,Cy\n"
ROWS = [
    "2026-03-01,Groceries,Groceries,30.00,EUR,20.00,-10.00,-10.00\n",
    '2026-03-02,"Pizza, large",Dining out,25.50,EUR,-8.50,17.00,-8.50\n',
    "2026-03-03,Bob paid Ann Lee,Payment,5.00,EUR,-5.00,5.00,0.00\n",
    "2026-03-04,Coffee,General,6.00,EUR,0.00,-3.00,3.00\n",
    "2026-03-04,Coffee,General,6.00,EUR,0.00,-3.00,3.00\n",
    "2026-03-05,Own lunch,General,12.00,EUR,0.00,0.00,0.00\n",
]
TOTAL = "2026-03-06,Total balance, , ,EUR,6.50,6.00,-12.50\n"


def export(rows: list[str] = ROWS, total: str = TOTAL, *, newline: str = "\n") -> bytes:
    text = HEADER + "\n" + "".join(rows) + "\n" + total
    return text.replace("\n", newline).encode("utf-8")
