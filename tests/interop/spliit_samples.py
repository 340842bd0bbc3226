"""A test-only Spliit exporter: a group as Spliit's JSON export holds it, written as that
JSON and as Spliit's CSV export, following Spliit's own export code (read, not copied:
spliit-app/spliit src/app/groups/[groupId]/expenses/export/{csv,json}/route.ts and
src/lib/shares.ts). The share rule is ported here in plain integers, apart from the
reader's (which goes through the domain splitter), so that the tests compare the two.
"""

from __future__ import annotations

import codecs
import json
from decimal import Decimal
from typing import Any

Group = dict[str, Any]

SPLIT_LABELS = {
    "EVENLY": "Evenly",
    "BY_SHARES": "Unevenly – By shares",
    "BY_PERCENTAGE": "Unevenly – By percentage",
    "BY_AMOUNT": "Unevenly – By amount",
}


def fnv1a(text: str) -> int:
    value = 0x811C9DC5
    for unit in (ord(c) for c in text):  # ids are ASCII in these tests
        value = ((value ^ unit) * 0x01000193) % 2**32
    return value


def shares(expense: dict[str, Any]) -> dict[str, int]:
    """Spliit's getExpenseShares: Hamilton apportionment, ties rotated by the id's hash."""
    paid_for = sorted(expense["paidFor"], key=lambda p: p["participantId"])
    weights = [1 if expense["splitMode"] == "EVENLY" else p["shares"] for p in paid_for]
    total, amount, count = sum(weights), expense["amount"], len(weights)
    offset = fnv1a(expense["id"]) % count if expense.get("id") else 0
    bases = [amount * w // total for w in weights]
    remainders = [amount * w - b * total for w, b in zip(weights, bases, strict=True)]
    order = sorted(range(count), key=lambda i: (-remainders[i], (i - offset + count) % count))
    for i in order[: amount - sum(bases)]:
        bases[i] += 1
    return {p["participantId"]: b for p, b in zip(paid_for, bases, strict=True)}


def _js_number(minor: int) -> str:
    """`+formatAmountAsDecimal(minor)` printed by json2csv: no trailing zeros, no -0."""
    text = format(Decimal(minor).scaleb(-2).normalize(), "f")
    return "0" if text in ("0", "-0") else text


def _escape(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_json(group: Group) -> bytes:
    return json.dumps(group, ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: str | None) -> str:
    """json2csv's cell: text always quoted (quotes doubled), null empty."""
    return "" if value is None else '"' + value.replace('"', '""') + '"'


def write_csv(group: Group, *, old: bool = False) -> bytes:
    """The CSV export (`old`: the 2025 layout without the `Original …` columns)."""
    people = group["participants"]
    fixed = ["Date", "Description", "Category", "Currency", "Cost"]
    if not old:
        fixed += ["Original cost", "Original currency", "Conversion rate"]
    fixed += ["Is Reimbursement", "Split mode"]
    lines = [",".join(_cell(c) for c in [*fixed, *(_escape(p["name"]) for p in people)])]
    currency = group.get("currencyCode") or group["currency"]
    for e in group["expenses"]:
        split = shares(e)
        row = [
            _cell(e["expenseDate"][:10]),
            _cell(_escape(e["title"])),
            _cell(_escape((e.get("category") or {}).get("name", ""))),
            _cell(currency),
            _cell(format(Decimal(e["amount"]).scaleb(-2), "f")),
        ]
        if not old:
            original = e.get("originalAmount")
            row += [
                _cell(format(Decimal(original).scaleb(-2), "f") if original else None),
                _cell(e.get("originalCurrency")),
                _cell(e.get("conversionRate")),
            ]
        row += [_cell("Yes" if e["isReimbursement"] else "No"), _cell(SPLIT_LABELS[e["splitMode"]])]
        for p in people:
            share = split.get(p["id"], 0)
            row.append(_js_number(share if e["paidById"] == p["id"] else -share))
        lines.append(",".join(row))
    return codecs.BOM_UTF8 + "\n".join(lines).encode("utf-8")


def balances(group: Group) -> dict[str, int]:
    """Spliit's balances page: paid minus paid for, per participant name."""
    names = {p["id"]: p["name"] for p in group["participants"]}
    out = dict.fromkeys(names.values(), 0)
    for e in group["expenses"]:
        out[names[e["paidById"]]] += e["amount"]
        for pid, share in shares(e).items():
            out[names[pid]] -= share
    return out


def expense(
    eid: str | None,
    day: str,
    title: str,
    amount: int,
    payer: str,
    paid_for: dict[str, int],
    *,
    mode: str = "EVENLY",
    category: str = "General",
    reimbursement: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "createdAt": f"{day}T10:00:00.000Z",
        "expenseDate": f"{day}T00:00:00.000Z",
        "title": title,
        "category": {"grouping": "Uncategorized", "name": category},
        "amount": amount,
        "originalAmount": None,
        "originalCurrency": None,
        "conversionRate": None,
        "paidById": payer,
        "paidFor": [{"participantId": p, "shares": s} for p, s in paid_for.items()],
        "isReimbursement": reimbursement,
        "splitMode": mode,
        "recurrenceRule": "NONE",
        "notes": None,
    }
    if eid is not None:
        item["id"] = eid
    item.update(extra)
    return item


def trip() -> Group:
    """A small group: uneven splits, an odd cent, a payer who does not share, a
    conversion, a monthly expense, a note, and an income."""
    a, b, c = "p1alice", "p2bob", "p3chloe"
    return {
        "id": "g-trip",
        "name": "Lisbon trip",
        "information": "",
        "currency": "€",
        "currencyCode": "EUR",
        "expenses": [
            expense("e1", "2025-01-06", "Dinner", 9500, a, {a: 1, b: 1, c: 1}, category="Food"),
            expense("e2", "2025-01-07", "Hotel", 20000, b, {a: 100, b: 200}, mode="BY_SHARES"),
            expense("e3", "2025-01-08", "=Taxi", 3001, c, {a: 5000, b: 5000}, mode="BY_PERCENTAGE"),
            expense(
                "e4",
                "2025-01-09",
                "Tickets",
                9726,
                a,
                {a: 4000, c: 5726},
                mode="BY_AMOUNT",
                originalAmount=100,
                originalCurrency="GBP",
                conversionRate="97.26",
            ),
            expense(
                "e5",
                "2025-02-01",
                "Rent share",
                3000,
                b,
                {a: 1, b: 1, c: 1},
                recurrenceRule="MONTHLY",
                notes="the flat's\nshare",
            ),
            expense("e6", "2025-02-02", "Refund", -1000, c, {a: 1, b: 1, c: 1}),
            expense("e7", "2025-02-03", "Own lunch", 1200, a, {a: 1}),
        ],
        "participants": [
            {"id": a, "name": "Alice"},
            {"id": b, "name": "Bob"},
            {"id": c, "name": "Chloé"},
        ],
        "activities": [],
    }


def pair() -> Group:
    """Two people: a reimbursement (a payment between them) is clear in the CSV too."""
    a, b = "u1", "u2"
    return {
        "id": "g-pair",
        "name": "Flat",
        "currency": "$",
        "currencyCode": "USD",
        "expenses": [
            expense("x1", "2025-03-01", "Groceries", 4999, a, {a: 1, b: 1}),
            expense(
                "x2",
                "2025-03-02",
                "Reimbursement",
                2500,
                b,
                {a: 1},
                reimbursement=True,
                category="Payment",
            ),
        ],
        "participants": [{"id": a, "name": "Ann"}, {"id": b, "name": "Ben"}],
    }
