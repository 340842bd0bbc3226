"""An archived group is read-only (ADR 0018): a key that would change it says so and
how to undo it, instead of opening a form that the services would refuse on saving.

The services refuse every write to an archived group anyway (`ReadOnly`, shown as an
error): this only spares the user a form typed in vain. The app's `group` carries
`archived` as last read (opening the group, or archiving it from the groups screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitledger.tui.jobs import ledger_app
from splitledger.tui.safe import clip

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from splitledger.services.views import GroupView


def read_only_reason(group: GroupView) -> str:
    """Why `group` cannot be changed, and how to change that (plain text)."""
    return (
        f"{clip(group.name, 60)} is archived, so it is read-only; to change it, unarchive it "
        "on the groups screen (g, v lists it, a)."
    )


def refuse_write(node: DOMNode) -> bool:
    """True, after saying why, when the app's current group is archived: the caller's
    write key does nothing more. False otherwise."""
    group = ledger_app(node).group
    if group is None or not group.archived:
        return False
    node.app.notify(read_only_reason(group), title="Read-only", severity="warning", markup=False)
    return True
