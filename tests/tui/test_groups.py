"""Groups and members: create from the welcome, load the demo, switch, rename, add."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.create_group import CreateGroupScreen
from splitledger.tui.screens.groups import GroupsScreen
from splitledger.tui.screens.members import MembersScreen
from splitledger.tui.screens.prompt import PromptScreen
from tests.tui.conftest import idle, make_app


async def test_create_a_group_from_the_welcome(ledger: Ledger) -> None:
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("n")
        await idle(pilot)
        assert isinstance(app.screen, CreateGroupScreen)
        await pilot.press(*"Flat", "tab")  # typed, as a user would…
        app.screen.query_one("#currency", Input).value = "gbp"  # …and set, to stay quick
        app.screen.query_one("#members", Input).value = "Ann, Bob, Cy"
        await pilot.press("tab", "tab", "enter")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.group is not None
        assert app.group.members == ("Ann", "Bob", "Cy")
    (group,) = ledger.groups()
    assert (group.name, group.currency) == ("Flat", "GBP")


async def test_bad_group_input_is_shown_inline_and_nothing_is_written(ledger: Ledger) -> None:
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("n")
        await idle(pilot)
        dialog = app.screen
        dialog.query_one("#name", Input).value = "Flat"
        dialog.query_one("#currency", Input).value = "ZZQ"
        dialog.query_one("#members", Input).value = "Ann, Ann"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is dialog
        error = dialog.query_one("#currency-error", Static)
        assert "ZZQ" in str(error.render())
        assert error.display  # shown, not only written (the style hides an empty one)
        assert dialog.focused is dialog.query_one("#currency", Input)
        dialog.query_one("#currency", Input).value = "EUR"
        await pilot.press("ctrl+s")
        await idle(pilot)
        error = dialog.query_one("#members-error", Static)
        assert "listed twice" in str(error.render())
        assert error.display
        assert not dialog.query_one("#currency-error", Static).display  # cleared
    assert ledger.groups() == []


async def test_load_the_demo_from_the_welcome(ledger: Ledger) -> None:
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("d")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.group is not None
        assert app.group.name == "Lisbon trip"
    assert len(ledger.history("Lisbon trip")) == 10


async def test_switch_and_rename_groups(demo: Ledger) -> None:
    demo.create_group("Flat", "JPY", ["Ann", "Bob"])
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert app.group is not None
        assert app.group.name == "Flat"
        await pilot.press("g")
        await idle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press("down", "enter")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.group.name == "Lisbon trip"
        await pilot.press("g", "down")
        await idle(pilot)
        await pilot.press("r")
        await idle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "Lisbon 2026"
        await pilot.press("enter")
        await idle(pilot)
        assert app.group.name == "Lisbon 2026"
        assert app.sub_title == "Lisbon 2026"
    assert sorted(g.name for g in demo.groups()) == ["Flat", "Lisbon 2026"]


async def test_add_and_rename_members(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("m")
        await idle(pilot)
        assert isinstance(app.screen, MembersScreen)
        await pilot.press("a")
        await idle(pilot)
        app.screen.query_one(Input).value = "dee, eve"
        await pilot.press("enter")
        await idle(pilot)
        await pilot.press("r")  # the highlighted one: ann
        await idle(pilot)
        app.screen.query_one(Input).value = "Ann"
        await pilot.press("enter")
        await idle(pilot)
        assert app.group is not None
        assert app.group.members == ("Ann", "bob", "cy", "dee", "eve")
        await pilot.press("r")  # a name that is taken: said in the dialog, which stays
        await idle(pilot)
        prompt = app.screen
        prompt.query_one(Input).value = "bob"
        await pilot.press("enter")
        await idle(pilot)
        assert app.screen is prompt
        assert "already in" in str(prompt.query_one("#answer-error", Static).render())
        await pilot.press("escape")
        await idle(pilot)
        assert isinstance(app.screen, MembersScreen)
    assert trip.group("Trip").members == ("Ann", "bob", "cy", "dee", "eve")


async def test_remove_a_settled_member_but_not_one_who_owes(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip",
        description="Cake",
        amount="9.00",
        paid_by=(("ann", None),),
        participants=(("ann", None), ("bob", None)),
    )
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("m")
        await idle(pilot)
        await pilot.press("x", "y")  # ann is owed 4.50: refused, with the reason
        await idle(pilot)
        assert any("still has a balance" in n.message for n in app._notifications)
        await pilot.press("down", "down", "x", "y")  # cy is at zero
        await idle(pilot)
        assert app.group is not None
        assert app.group.members == ("ann", "bob")
    assert trip.group("Trip").members == ("ann", "bob")
