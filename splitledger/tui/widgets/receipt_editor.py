"""The expense form's receipt editor (itemised mode): lines, each with a description,
an amount and who shares it, then tax and tip, and the running total against the
amount. Keys (inside the editor): ctrl+n adds a line below, ctrl+l removes the line
holding the focus; on a line's members: ←/→ move, space ticks or unticks, `a` ticks
everyone or no one. None of these is bound by the form, its inputs or the app (ctrl+r
opens the rates; a test keeps it so). Names are shown as plain text, never markup.

Imported by the form only, when it first opens (never at the app's start)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from splitledger.tui.expense_items import ItemRow
from splitledger.tui.safe import VisibleHighlighter, clip

#: A member's name in a line's toggles is cut to this many characters.
NAME_WIDTH = 14


class MemberToggles(Static, can_focus=True):
    """Who shares one receipt line: every member, ticked or not, on as many rows as
    their names need. ←/→ move, space toggles, `a` ticks everyone or no one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous", show=False),
        Binding("right", "move(1)", "Next", show=False),
        Binding("space", "tick", "Tick/untick"),
        Binding("a", "all", "All/none"),
    ]

    class Changed(Message):
        """Who shares the line changed."""

    def __init__(
        self, members: Sequence[str], ticked: Sequence[str], *, id: str, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.members = tuple(members)
        self.ticked = {m for m in ticked if m in self.members}
        self.cursor = 0

    @property
    def chosen(self) -> tuple[str, ...]:
        """The members ticked, in the group's order."""
        return tuple(m for m in self.members if m in self.ticked)

    def on_mount(self) -> None:
        self._show()

    def on_focus(self) -> None:
        self._show()

    def on_blur(self) -> None:
        self._show()

    def _show(self) -> None:
        parts: list[Content | tuple[str, str]] = []
        for index, name in enumerate(self.members):
            mark = "☑\u00a0" if name in self.ticked else "☐\u00a0"  # kept with the name
            style = "reverse" if self.has_focus and index == self.cursor else ""
            label = Content(mark + clip(name, NAME_WIDTH))
            parts.append(label.stylize(style) if style else label)
            parts.append(("  ", ""))
        self.update(Content.assemble(*parts[:-1]))

    def action_move(self, step: int) -> None:
        if self.members:
            self.cursor = (self.cursor + step) % len(self.members)
            self._show()

    def action_tick(self) -> None:
        if not self.members:
            return
        name = self.members[self.cursor]
        self.ticked.symmetric_difference_update({name})
        self._changed()

    def action_all(self) -> None:
        everyone = set(self.members)
        self.ticked = set() if self.ticked == everyone else everyone
        self._changed()

    def set_chosen(self, members: Sequence[str]) -> None:
        self.ticked = set(members) & set(self.members)
        self._changed()

    def _changed(self) -> None:
        self._show()
        self.post_message(self.Changed())


class ReceiptLine(Vertical):
    """One line of the receipt: description and amount, then who shares it."""

    def __init__(self, number: int, row: ItemRow, members: Sequence[str]) -> None:
        super().__init__(classes="receipt-line")
        self.number = number
        self.row = row
        self.members = members

    def compose(self) -> ComposeResult:
        n = self.number
        with Horizontal(classes="item-row"):
            yield Label("Item", classes="item-label")  # numbered once mounted
            yield Input(
                self.row.description,
                placeholder="what",
                id=f"item-desc-{n}",
                classes="item-desc",
                compact=True,
                max_length=200,
                highlighter=VisibleHighlighter(),
            )
            yield Input(
                self.row.amount,
                placeholder="0.00",
                id=f"item-amount-{n}",
                classes="item-amount",
                compact=True,
                max_length=40,
            )
        yield MemberToggles(self.members, self.row.members, id=f"item-who-{n}", classes="item-who")

    @property
    def description(self) -> Input:
        return self.query_one(".item-desc", Input)

    @property
    def amount(self) -> Input:
        return self.query_one(".item-amount", Input)

    @property
    def who(self) -> MemberToggles:
        return self.query_one(MemberToggles)

    def value(self) -> ItemRow:
        return ItemRow(self.description.value, self.amount.value, self.who.chosen)


class ReceiptEditor(Vertical):
    """The receipt: its lines, tax and tip, the running total and its error line."""

    DEFAULT_CSS = """
    ReceiptEditor {
        height: auto;
        margin-top: 1;
    }
    ReceiptEditor #receipt-lines, ReceiptEditor .receipt-line {
        height: auto;
    }
    ReceiptEditor .item-row, ReceiptEditor .extra-row {
        height: 1;
    }
    ReceiptEditor .item-label {
        width: 13;
        color: $text-muted;
    }
    ReceiptEditor .item-desc {
        width: 1fr;
    }
    ReceiptEditor .item-amount {
        width: 12;
        margin-left: 1;
    }
    ReceiptEditor .item-who {
        height: auto;
        margin-left: 13;
        color: $text-muted;
    }
    ReceiptEditor .item-who:focus {
        color: $text;
    }
    ReceiptEditor #tax, ReceiptEditor #tip {
        width: 12;
        margin-right: 2;
    }
    ReceiptEditor .extra-label {
        width: 5;
    }
    ReceiptEditor #add-line {
        margin-left: 1;
    }
    ReceiptEditor #receipt-total {
        margin-left: 13;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_line", "Add line"),
        Binding("ctrl+l", "remove_line", "Remove line"),
    ]

    class Changed(Message):
        """A line was added or removed."""

    def __init__(
        self,
        members: Sequence[str],
        items: Sequence[ItemRow],
        tax: str,
        tip: str,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.members = tuple(members)
        self._start = tuple(items) or (ItemRow("", "", self.members),)
        self._tax, self._tip = tax, tip
        self._made = 0

    def _line(self, row: ItemRow) -> ReceiptLine:
        self._made += 1
        return ReceiptLine(self._made - 1, row, self.members)

    def compose(self) -> ComposeResult:
        with Vertical(id="receipt-lines"):
            for row in self._start:
                yield self._line(row)
        with Horizontal(classes="extra-row"):
            yield Label("", classes="item-label")
            yield Label("Tax", classes="extra-label")
            yield Input(self._tax, placeholder="0.00", id="tax", compact=True, max_length=40)
            yield Label("Tip", classes="extra-label")
            yield Input(self._tip, placeholder="0.00", id="tip", compact=True, max_length=40)
            yield Button("+ line (ctrl+n)", id="add-line", compact=True)
        yield Static(id="receipt-total")
        yield Static(id="items-error", classes="field-error")

    # -- reading -------------------------------------------------------------------

    def lines(self) -> list[ReceiptLine]:
        return list(self.query_one("#receipt-lines").query_children(ReceiptLine))

    def items(self) -> tuple[ItemRow, ...]:
        return tuple(line.value() for line in self.lines())

    @property
    def tax(self) -> str:
        return self.query_one("#tax", Input).value

    @property
    def tip(self) -> str:
        return self.query_one("#tip", Input).value

    def renumber(self) -> None:
        """Number the lines as errors name them ("item 2: how much was it?")."""
        for number, line in enumerate(self.lines(), start=1):
            line.query_one(".item-label", Label).update(f"Item {number}")

    def on_mount(self) -> None:
        self.renumber()

    def mark_invalid(self, inputs: set[str]) -> None:
        """Mark the amounts of the lines named `item-amount-N` (N: the line's
        position) in `inputs` as refused, and no other."""
        for index, line in enumerate(self.lines()):
            line.amount.set_class(f"item-amount-{index}" in inputs, "-invalid")

    def show_total(self, text: str) -> None:
        self.query_one("#receipt-total", Static).update(Content(text))

    # -- lines ---------------------------------------------------------------------

    def _focused_line(self) -> ReceiptLine | None:
        focused = self.screen.focused
        for line in self.lines():
            if focused is not None and focused in line.query("*"):
                return line
        return None

    async def action_add_line(self) -> None:
        """A new line below the one holding the focus (else at the end), everyone
        sharing it, the focus on its description."""
        line = self._line(ItemRow("", "", self.members))
        after = self._focused_line()
        box = self.query_one("#receipt-lines")
        if after is not None:
            await box.mount(line, after=after)
        else:
            await box.mount(line)
        line.description.focus()
        self.renumber()
        self.post_message(self.Changed())

    async def action_remove_line(self) -> None:
        """Remove the line holding the focus (the last one left is emptied instead);
        the focus moves to the next line, else the previous one."""
        line = self._focused_line()
        if line is None:
            self.notify("Move to a receipt line to remove it.", severity="warning")
            return
        lines = self.lines()
        if len(lines) == 1:
            line.description.value = line.amount.value = ""
            line.who.set_chosen(self.members)
            line.description.focus()
            return
        at = lines.index(line)
        after = lines[at + 1] if at + 1 < len(lines) else lines[at - 1]
        after.description.focus()
        await line.remove()
        self.renumber()
        self.post_message(self.Changed())

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add-line":
            event.stop()
            await self.action_add_line()
