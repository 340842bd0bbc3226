"""A realistic demo group, so that a newcomer sees every screen with content.

Everything goes through the Ledger's public use cases (nothing is written behind its
back), with fixed dates and idempotency keys derived from the group name: loading the
demo twice into the same database records nothing twice.
"""

from __future__ import annotations

import datetime as dt

from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.services.views import GroupView

DEMO_GROUP = "Lisbon trip"
DEMO_CURRENCY = "EUR"
DEMO_MEMBERS = ("Alice", "Bob", "Chandra", "Dana")

_Pairs = tuple[tuple[str, str | None], ...]

#: (date, description, category, amount, paid_by, split mode, participants)
_EXPENSES: tuple[tuple[dt.date, str, str, str, _Pairs, str, _Pairs], ...] = (
    (
        dt.date(2026, 6, 1),
        "Apartment in Alfama, 4 nights",
        "lodging",
        "840.00",
        (("Alice", None),),
        "equal",
        (),
    ),
    (
        dt.date(2026, 6, 1),
        "Groceries at Pingo Doce",
        "groceries",
        "63.40",
        (("Bob", None),),
        "shares",
        (("Alice", "1"), ("Bob", "1"), ("Chandra", "2"), ("Dana", "1")),
    ),
    (
        dt.date(2026, 6, 2),
        "Car rental, 3 days",
        "transport",
        "210.00",
        (("Bob", None),),
        "percent",
        (("Alice", "40"), ("Bob", "40"), ("Chandra", "10"), ("Dana", "10")),
    ),
    (
        dt.date(2026, 6, 2),
        "Sintra palace tickets",
        "activities",
        "96.00",
        (("Dana", None),),
        "exact",
        (("Alice", "32.00"), ("Bob", "32.00"), ("Dana", "32.00")),
    ),
    (
        dt.date(2026, 6, 3),
        "Dinner at Taberna da Rua",
        "food",
        "148.50",
        (("Chandra", "100.00"), ("Dana", None)),
        "adjust",
        (("Alice", None), ("Bob", "12.00"), ("Chandra", None), ("Dana", None)),
    ),
    (
        dt.date(2026, 6, 4),
        "Pastéis de nata",
        "food",
        "9.60",
        (("Alice", None),),
        "equal",
        (("Alice", None), ("Bob", None), ("Chandra", None)),
    ),
    (
        dt.date(2026, 6, 5),
        "Museum tickets (entered twice)",
        "activities",
        "45.00",
        (("Bob", None),),
        "equal",
        (),
    ),
    (
        dt.date(2026, 6, 6),
        "Taxi to the airport",
        "transport",
        "42.00",
        (("Chandra", None),),
        "equal",
        (),
    ),
)


def load_demo(ledger: Ledger, name: str = DEMO_GROUP) -> GroupView:
    """Create the demo group `name` with a week of trip expenses: every split mode,
    several payers, one payment and one deleted (reversed) expense. (No edit: an edit dates
    its reversal today, which would make the demo differ from day to day.)

    Raises `InvalidInput` if a different group of that name already exists."""
    base = f"demo:{name}"
    group = ledger.create_group(name, DEMO_CURRENCY, DEMO_MEMBERS, key=f"{base}:group")
    if group.members != DEMO_MEMBERS:
        raise InvalidInput(f"a group named {name!r} already exists", field="name")
    ids: list[int] = []
    for index, (date, description, category, amount, paid_by, split, parts) in enumerate(_EXPENSES):
        tx = ledger.record_expense(
            group=name,
            description=description,
            amount=amount,
            paid_by=paid_by,
            split=split,
            participants=parts,
            date=date,
            category=category,
            key=f"{base}:expense:{index}",
        )
        ids.append(tx.id)
    ledger.record_payment(
        group=name,
        payer="Bob",
        payee="Alice",
        amount="150.00",
        date=dt.date(2026, 6, 5),
        description="Bob paid Alice back for the apartment",
        key=f"{base}:payment:0",
    )
    # The museum tickets were entered twice: delete (reverse) the duplicate.
    ledger.reverse(ids[6], date=dt.date(2026, 6, 5), key=f"{base}:reverse:6")
    return ledger.group(name)
