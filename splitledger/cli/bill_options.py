"""The options that describe a bill (who paid, how it is split, its receipt, category,
currency and note), shared by the commands that take one: `expense add`/`edit` and
`recurring add`/`edit` (the note also `payment add`). One definition each, so that a
bill is typed alike everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict, TypeVar

import click

from splitledger.cli.params import ITEM, ITEM_FORM, assignment
from splitledger.services.inputs import SPLIT_MODES

if TYPE_CHECKING:
    from splitledger.services.inputs import Assignments, Items

F = TypeVar("F", bound=Callable[..., object])
Item = tuple[str, str, tuple[str, ...]]

paid_by_option = click.option(
    "--paid-by",
    "paid_by",
    multiple=True,
    required=True,
    metavar="M[=AMT]",
    help="Who paid; repeat with =AMT for several payers (one may omit it: the rest).",
)
split_option = click.option(
    "--split",
    type=click.Choice(SPLIT_MODES),
    default="equal",
    show_default=True,
    help="How to share the amount among the --for members (itemised: by --item lines).",
)
for_option = click.option(
    "--for",
    "for_",
    multiple=True,
    metavar="M[=VALUE]",
    help="Who shares it (default: everyone). VALUE: an amount (exact), a percent "
    "(percent), a weight (shares) or a signed amount on top of an equal share (adjust).",
)
item_option = click.option(
    "--item",
    "items",
    multiple=True,
    type=ITEM,
    metavar=ITEM_FORM,
    help="With --split itemised, repeat for each line of the receipt: its members share "
    "AMOUNT equally. Split at the last ':' and the '=' before it, so DESCRIPTION may hold "
    "'=' and ':'; a member name here may not hold ':' or ','.",
)
tax_option = click.option(
    "--tax",
    metavar="AMOUNT",
    help="With --split itemised: spread over the members in proportion to their items.",
)
tip_option = click.option(
    "--tip",
    metavar="AMOUNT",
    help="With --split itemised: spread like --tax.",
)
category_option = click.option("--category", default="", help="Free text, e.g. food.")
currency_option = click.option("--currency", metavar="CODE", help="Default: the group's currency.")
note_option = click.option(
    "--note", default="", help="Free text kept with it (at most 2000 characters)."
)

#: As changes to a recorded bill: each given replaces the bill's, the rest is kept.
paid_by_change = click.option(
    "--paid-by",
    "paid_by",
    multiple=True,
    metavar="M[=AMT]",
    help="New payers, as for 'expense add' (replaces all of them).",
)
split_change = click.option("--split", type=click.Choice(SPLIT_MODES), help="A new split mode.")
for_change = click.option(
    "--for",
    "for_",
    multiple=True,
    metavar="M[=VALUE]",
    help="New participants and values, as for 'expense add' (replaces all of them).",
)
item_change = click.option(
    "--item",
    "items",
    multiple=True,
    type=ITEM,
    metavar=ITEM_FORM,
    help="New receipt lines, as for 'expense add' (replaces all of them).",
)
tax_change = click.option("--tax", metavar="AMOUNT", help="A new tax of an itemised receipt.")
tip_change = click.option("--tip", metavar="AMOUNT", help="A new tip of an itemised receipt.")
category_change = click.option("--category", help="A new category ('' for none).")
currency_change = click.option("--currency", metavar="CODE", help="A new currency.")
note_change = click.option("--note", help="A new note ('' to clear it).")


def _all(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """The decorators applied as if written one above the other, in this order."""

    def apply(f: F) -> F:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


#: Who paid and how it is split (`paid_by`, `split`, `for_`, `items`, `tax`, `tip`).
bill_options = _all(paid_by_option, split_option, for_option, item_option, tax_option, tip_option)
#: The same as changes (none required, none defaulted).
bill_changes = _all(paid_by_change, split_change, for_change, item_change, tax_change, tip_change)


def check_receipt(
    split: str | None,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
) -> None:
    """Refuse, in the options' words, what only goes with --split itemised (or not)."""
    if split == "itemised" and for_:
        raise click.UsageError("--split itemised takes --item lines, not --for")
    if split not in (None, "itemised") and (items or tax is not None or tip is not None):
        raise click.UsageError("--item, --tax and --tip go with --split itemised")


class Split(TypedDict):
    """How a new bill is paid and split, as the services take it."""

    paid_by: Assignments
    split: str
    participants: Assignments
    items: Items
    tax: str | None
    tip: str | None


class SplitChange(TypedDict):
    """How a bill's payment and split change (None keeps what the bill has)."""

    paid_by: Assignments | None
    split: str | None
    participants: Assignments | None
    items: Items | None
    tax: str | None
    tip: str | None


def new_split(
    paid_by: tuple[str, ...],
    split: str,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
) -> Split:
    """`bill_options`' values for `expense add` and `recurring add`, checked."""
    check_receipt(split, for_, items, tax, tip)
    if split == "itemised" and not items:
        raise click.UsageError("--split itemised needs at least one --item")
    return Split(
        paid_by=[assignment(p) for p in paid_by],
        split=split,
        participants=[assignment(f) for f in for_],
        items=items,
        tax=tax,
        tip=tip,
    )


def changed_split(
    paid_by: tuple[str, ...],
    split: str | None,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
) -> SplitChange:
    """`bill_changes`' values for `expense edit` and `recurring edit`, checked: an
    option not given keeps the bill's own."""
    check_receipt(split, for_, items, tax, tip)
    return SplitChange(
        paid_by=[assignment(p) for p in paid_by] if paid_by else None,
        split=split,
        participants=[assignment(f) for f in for_] if for_ else None,
        items=items or None,
        tax=tax,
        tip=tip,
    )
