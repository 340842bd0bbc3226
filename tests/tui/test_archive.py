"""Archived groups in the app (issue 16): hidden from the groups screen unless `v` shows
them, `a` archives or unarchives the highlighted group after a confirmation, and an
archived group's write keys say why instead of opening a form."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.groups import GroupsScreen
from splitledger.tui.screens.transaction import TransactionScreen
from tests.tui.conftest import idle, make_app

HOSTILE = "[bold]Old[/] [@click=app.quit]flat[/]"


def listed(screen: GroupsScreen) -> list[str]:
    options = screen.query_one("#groups", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_groups(pilot: Pilot[None]) -> GroupsScreen:
    await idle(pilot)
    await pilot.press("g")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GroupsScreen)
    return screen


def notices(pilot: Pilot[None]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def highlight(screen: GroupsScreen, pilot: Pilot[None], name: str) -> None:
    options = screen.query_one("#groups", OptionList)
    options.highlighted = next(i for i, line in enumerate(listed(screen)) if name in line)
    await pilot.pause()


async def test_archived_groups_are_hidden_until_shown(trip: Ledger) -> None:
    trip.create_group(HOSTILE, "EUR", ["ann"])
    trip.archive_group(HOSTILE)
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_groups(pilot)
        assert [line for line in listed(screen) if "Old" in line] == []
        assert "hidden" in str(screen.query_one("#groups-hint", Static).render())
        await pilot.press("v")
        await idle(pilot)
        (old,) = [line for line in listed(screen) if "Old" in line]
        assert HOSTILE in old  # as typed, not markup
        assert old.endswith("(archived)")
        await pilot.press("v")
        await idle(pilot)
        assert [line for line in listed(screen) if "Old" in line] == []


async def test_archive_asks_first_then_hides_the_group(trip: Ledger) -> None:
    trip.create_group("Flat", "EUR", ["ann", "bob"])
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_groups(pilot)
        await highlight(screen, pilot, "Flat")
        await pilot.press("a")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # No: nothing changes
        await idle(pilot)
        assert not trip.group("Flat").archived
        await pilot.press("a")
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert trip.group("Flat").archived
        assert not any("Flat" in line for line in listed(screen))
        # Shown again with v, and a unarchives it (asked too).
        await pilot.press("v")
        await idle(pilot)
        await highlight(screen, pilot, "Flat")
        await pilot.press("a", "y")
        await idle(pilot)
    assert not trip.group("Flat").archived


async def test_an_archived_group_is_read_only_in_the_app(trip: Ledger) -> None:
    tx = trip.record_expense("Trip", description="Taxi", amount="12", paid_by=[("ann", None)])
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_groups(pilot)
        await highlight(screen, pilot, "Trip")
        await pilot.press("a", "y")  # the group shown: the app's group is archived too
        await idle(pilot)
        assert app.group is not None
        assert app.group.archived
        assert app.sub_title == "Trip (archived: read-only)"  # the header says so
        await pilot.press("escape")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        for key in ("a", "p"):
            await pilot.press(key)
            await idle(pilot)
            assert isinstance(app.screen, BalancesScreen), key  # no form opened
        assert sum("(g, v lists it, a)" in n for n in notices(pilot)) == 2
        app.push_screen(TransactionScreen(tx.id))
        await idle(pilot)
        detail = app.screen
        for key in ("e", "d", "u"):
            await pilot.press(key)
            await idle(pilot)
            assert app.screen is detail, key  # no form, no question
        assert sum("(g, v lists it, a)" in n for n in notices(pilot)) == 5
    assert [t.id for t in trip.history("Trip")] == [tx.id]


async def test_the_other_write_keys_of_an_archived_group_say_why(trip: Ledger) -> None:
    from splitledger.tui.commands import open_route
    from splitledger.tui.screens.members import MembersScreen
    from splitledger.tui.screens.rates import RatesScreen
    from splitledger.tui.screens.settle import SettleScreen
    from splitledger.tui.screens.settle_in import SettleInScreen

    trip.record_expense("Trip", description="Taxi", amount="12", paid_by=[("ann", None)])
    trip.archive_group("Trip")
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        assert app.group is not None
        assert app.group.archived  # read with the first screen
        said = 0
        for opener, screen_type, keys in (
            ("m", MembersScreen, ("a", "r", "x")),
            ("s", SettleScreen, ("p", "a", "e")),
            ("r", RatesScreen, ("a", "i")),
            ("i", SettleInScreen, ("s", "c")),
        ):
            await pilot.press(opener)
            await idle(pilot)
            screen = app.screen
            assert isinstance(screen, screen_type), opener
            for key in keys:
                await pilot.press(key)
                await idle(pilot)
                assert app.screen is screen, (opener, key)  # no form, no question
            said += len(keys)
            assert sum("(g, v lists it, a)" in n for n in notices(pilot)) == said, notices(pilot)
            await pilot.press("escape")
            await idle(pilot)
        open_route(app, "payment")  # the palette's payment: said too, no form
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    assert len(trip.history("Trip")) == 1
