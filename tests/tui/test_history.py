"""History: lazy pages, search and filters, the detail view, delete by reversal."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from splitledger import domain
from splitledger.services.errors import InvalidInput, Unavailable
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui import history_cells
from splitledger.tui.history_query import HistoryQuery, parse_query
from splitledger.tui.screens import history as history_screen
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.history import MAX_ROWS, PAGE, HistoryScreen
from splitledger.tui.screens.transaction import TransactionScreen
from splitledger.tui.widgets.lazy_table import LazyTable
from tests.tui.conftest import idle, make_app, open_history


def descriptions(screen: HistoryScreen) -> list[str]:
    return [tx.description for tx in screen.rows]


@pytest.fixture(autouse=True)
def _quick_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_screen, "SEARCH_DELAY", 0.01)


async def search(pilot: Pilot[None], screen: HistoryScreen, text: str) -> None:
    screen.query_one("#search", Input).value = text
    await pilot.pause(0.05)  # the search waits for a pause in typing
    await idle(pilot)


async def test_history_lists_newest_first(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        assert screen.rows[0].description == "Taxi to the airport"
        assert screen.rows[-1].description == "Apartment in Alfama, 4 nights"
        # Bills: the deleted museum tickets and their reversal are not listed.
        assert screen.query_one(LazyTable).row_count == len(screen.rows) == 8
        assert screen.exhausted


async def test_search_and_filters(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        await search(pilot, screen, "taxi")
        assert descriptions(screen) == ["Taxi to the airport"]
        await search(pilot, screen, "kind:payment")
        assert descriptions(screen) == ["Bob paid Alice back for the apartment"]
        await search(pilot, screen, "cat:food")
        assert descriptions(screen) == ["Pastéis de nata", "Dinner at Taberna da Rua"]
        await search(pilot, screen, "member:Chandra from:2026-06-03 to:2026-06-04")
        assert descriptions(screen) == ["Pastéis de nata", "Dinner at Taberna da Rua"]
        await search(pilot, screen, "nothing-like-this")
        assert screen.rows == []
        assert "No transactions match" in str(screen.query_one("#history-status", Static).render())
        await search(pilot, screen, "kind:bogus")
        assert "kind is one of" in str(screen.query_one("#history-status", Static).render())
        # a search that does not parse shows no rows (not the last search's), and the
        # same search as before, typed again, reads them anew
        await search(pilot, screen, "taxi")
        assert descriptions(screen) == ["Taxi to the airport"]
        await search(pilot, screen, "cat:")
        assert "needs a value" in str(screen.query_one("#history-status", Static).render())
        assert screen.rows == []
        assert screen.query_one(LazyTable).row_count == 0
        await search(pilot, screen, "taxi")
        assert descriptions(screen) == ["Taxi to the airport"]


def test_parse_query_reads_every_filter() -> None:
    query = parse_query('dinner member:Bob cat:food kind:exp from:2026-06-01 to:2026-06-30 "x y"')
    assert query == HistoryQuery(
        text="dinner x y",
        member="Bob",
        category="food",
        kind="expense",
        date_from=dt.date(2026, 6, 1),
        date_to=dt.date(2026, 6, 30),
    )
    assert parse_query("") == HistoryQuery()
    assert parse_query('"unclosed').text == '"unclosed'


@pytest.mark.parametrize("bad", ["from:yesterday", "member:", "kind:x"])
def test_parse_query_refuses_bad_filters(bad: str) -> None:
    with pytest.raises(InvalidInput, match="search"):
        parse_query(bad)


BIG = 5 * PAGE + 37  # more rows than the window holds, the last page not full


@pytest.fixture
def big(ledger: Ledger) -> Ledger:
    """A group "Big" with `BIG` expenses, ten a day (dates tie: the id breaks them)."""
    members = ("ann", "bob")
    entries = [
        ImportEntry(
            domain.build_expense(
                total=100 + i,
                currency="EUR",
                payers={"ann": 100 + i},
                split=domain.Equal(members),
                date=dt.date(2026, 1, 1) + dt.timedelta(days=i // 10),
                description=f"expense {i}",
                idempotency_key=f"bulk:{i}",
            )
        )
        for i in range(BIG)
    ]
    ledger.import_transactions("Big", "EUR", members, entries, source="test")
    return ledger


def ids(txs: list[TxView]) -> list[int]:
    return [tx.id for tx in txs]


def check_window(screen: HistoryScreen, everything: list[TxView]) -> None:
    """The rows held are a run of the full history, in its order, within the bound, and
    the table shows exactly them; the flags say truly whether there is more."""
    table = screen.query_one(LazyTable)
    assert table.row_count == len(screen.rows) <= MAX_ROWS
    first = ids(everything).index(screen.rows[0].id)
    assert ids(screen.rows) == ids(everything[first : first + len(screen.rows)])
    assert screen.at_newest == (first == 0)
    assert screen.exhausted == (first + len(screen.rows) == len(everything))
    assert table.more_above == (not screen.at_newest)
    assert table.more_coming == (not screen.exhausted)


async def test_scrolling_down_loads_older_pages_and_drops_the_newest(big: Ledger) -> None:
    everything = big.history("Big", limit=10_000)
    app = make_app(big)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(LazyTable)
        assert table.row_count == PAGE
        assert not screen.exhausted
        status = screen.query_one("#history-status", Static)
        assert "more load as you scroll" in str(status.render())
        seen = list(screen.rows)
        while not screen.exhausted:
            table.move_cursor(row=table.row_count - 1)  # as a held-down arrow would
            await idle(pilot)
            check_window(screen, everything)
            seen += screen.rows[ids(screen.rows).index(seen[-1].id) + 1 :]
        assert ids(seen) == ids(everything)  # every row came, once, in order
        assert len(screen.rows) == MAX_ROWS
        assert not screen.at_newest
        assert "400 oldest loaded (400 held at most)" in str(status.render())
        assert screen.highlighted() == everything[-1 - 37]  # where the cursor was put


async def test_end_jumps_to_the_oldest_and_up_loads_newer_rows_in_order(big: Ledger) -> None:
    everything = big.history("Big", limit=10_000)
    app = make_app(big)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(LazyTable)
        await pilot.press("end")
        await idle(pilot)
        assert screen.highlighted() == everything[-1]  # the oldest transaction
        assert table.cursor_row == table.row_count - 1 == PAGE - 1
        assert table.scroll_y == table.max_scroll_y  # and it is on screen
        check_window(screen, everything)
        status = str(screen.query_one("#history-status", Static).render())
        assert status == "100 oldest loaded (400 held at most); newer as you scroll up."
        covered = set(ids(screen.rows))
        while table.cursor_row or not screen.at_newest:
            await pilot.press("pageup")
            pressed = screen.highlighted(), table.scroll_y - table.cursor_row
            await idle(pilot)
            # A page put in front moves neither the cursor nor the view off their rows.
            assert (screen.highlighted(), table.scroll_y - table.cursor_row) == pressed
            check_window(screen, everything)  # a run of the history: no gap, no repeat
            covered |= set(ids(screen.rows))
        assert covered == set(ids(everything))
        assert screen.rows[0] == everything[0]
        assert len(screen.rows) == MAX_ROWS  # the oldest pages were dropped on the way
        await pilot.press("end")
        await idle(pilot)
        assert screen.highlighted() == everything[-1]
        await pilot.press("home")
        await idle(pilot)
        assert screen.highlighted() == everything[0]
        assert table.scroll_y == 0
        assert screen.at_newest
        check_window(screen, everything)


async def test_home_reads_the_newest_page_and_reload_keeps_the_window(
    big: Ledger, db_path: Path
) -> None:
    everything = big.history("Big", limit=10_000)
    app = make_app(big)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("r")  # the ledger entries: a deletion is a reversal on top
        await idle(pilot)
        table = screen.query_one(LazyTable)
        await pilot.press("end", "pageup", "pageup")
        await idle(pilot)
        on = screen.highlighted()
        window = ids(screen.rows)
        screen.reload()  # a live refresh: the same rows, the cursor on the same one
        await idle(pilot)
        assert ids(screen.rows) == window
        assert screen.highlighted() == on
        check_window(screen, everything)  # still says truly that nothing is older
        await pilot.press("d", "y")  # delete from the window: the row is struck through
        await idle(pilot)
        assert on is not None
        assert screen.highlighted() == big.transaction(on.id).tx
        assert screen.rows[table.cursor_row].reversed_by is not None
        await pilot.press("home")
        await idle(pilot)
        # the newest page, as the ledger now reads (the reversal sits on its bill's day)
        assert screen.rows == big.history("Big", limit=10_000)[: len(screen.rows)]
        assert table.cursor_row == 0
        assert len(everything) + 1 == len(big.history("Big", limit=10_000))


async def test_search_from_the_far_end_starts_at_the_newest_match(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("end")
        await idle(pilot)
        await search(pilot, screen, "expense 5")
        matches = big.history("Big", limit=10_000, text="expense 5")
        assert ids(screen.rows) == ids(matches[:PAGE])
        assert screen.at_newest
        await pilot.press("end")
        await idle(pilot)
        assert screen.highlighted() == matches[-1]


async def test_detail_shows_postings_audit_and_links(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("s")  # deleted bills too
        await idle(pilot)
        museum = descriptions(screen).index("Museum tickets (entered twice)")
        screen.query_one(LazyTable).move_cursor(row=museum)
        await pilot.press("enter")
        await idle(pilot)
        detail = app.screen
        assert isinstance(detail, TransactionScreen)
        head = str(detail.query_one("#tx-head", Static).render())
        assert "undone by reversal" in head
        assert detail.query_one("#postings", DataTable).row_count == 5
        assert detail.query_one("#audit", DataTable).row_count == 2  # recorded, reversed
        await pilot.press("o")
        await idle(pilot)
        reversal = app.screen
        assert isinstance(reversal, TransactionScreen)
        assert reversal.detail is not None
        assert reversal.detail.tx.kind == "reversal"
        await pilot.press("escape", "escape")
        await idle(pilot)
        assert isinstance(app.screen, HistoryScreen)


async def test_delete_asks_then_records_a_reversal(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        first = screen.rows[0]
        await pilot.press("d")
        await idle(pilot)
        await pilot.press("n")  # changed my mind
        await idle(pilot)
        assert demo.transaction(first.id).tx.reversed_by is None
        await pilot.press("d")
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        reversal = demo.transaction(first.id).tx.reversed_by
        assert reversal is not None
        assert first.id not in ids(screen.rows)  # the history hides it at once
        await pilot.press("s")  # shown with the deleted bills, marked so
        await idle(pilot)
        assert screen.rows[0].id == first.id
        assert "deleted" in screen.query_one(LazyTable).get_row_at(0)[2].plain
        await pilot.press("home", "d")  # the deleted one cannot be deleted again
        await idle(pilot)
        assert len(demo.history("Lisbon trip")) == 11
        assert any("already deleted" in n.message for n in app._notifications)


async def test_a_conflict_is_a_notification_not_a_crash(demo: Ledger, db_path: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        first = screen.rows[0]
        with Ledger.open(str(db_path), actor="friend") as other:
            other.reverse(first.id)  # deleted elsewhere; this screen has not refreshed yet
        await pilot.press("d", "y")
        await idle(pilot)
        assert any(
            "already reversed" in n.message and n.severity == "error" for n in app._notifications
        )
        assert app.is_running
    assert len(demo.history("Lisbon trip")) == 11  # one reversal, not two


async def test_the_first_page_comes_with_the_screen_and_is_read_once(
    trip: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(10):
        trip.record_expense(
            group="Trip", description=f"coffee {i}", amount="3.00", paid_by=(("ann", None),)
        )
    reads: list[int] = []
    release = threading.Event()
    history = Ledger.history

    def counted(self: Ledger, *args: object, **kwargs: object) -> list[TxView]:
        reads.append(1)
        release.wait()  # the opener's read ends when the test says so, however slow
        return history(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "history", counted)
    # The screen never gives up on the page: it comes when the test releases it.
    monkeypatch.setattr(history_screen, "FIRST_PAGE_WAIT", 24 * 3600.0)
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("h", "h")  # the second h, while the page is read, opens nothing more
        assert isinstance(app.screen, BalancesScreen)  # not before its page
        release.set()
        for _ in range(6000):  # (a bound only for a bug: the screen comes with the page)
            if isinstance(app.screen, HistoryScreen):
                break
            await pilot.pause(0.01)
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert len(app.screen_stack) == 3  # default, balances, history
        assert screen.query_one(LazyTable).row_count == len(screen.rows) == 10
        assert len(reads) == 1


async def test_a_slow_first_page_opens_the_screen_which_reads_it_itself(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_screen, "FIRST_PAGE_WAIT", 0.01)  # (a 0 s timer never fires first)
    reads: list[dict[str, object]] = []
    working = Ledger.history

    def counted(self: Ledger, group: str, **kwargs: object) -> list[TxView]:
        reads.append(kwargs)
        if len(reads) == 1:
            time.sleep(0.3)  # the opener's read: slower than the wait
        return working(self, group, **kwargs)  # type: ignore[arg-type]

    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        monkeypatch.setattr(Ledger, "history", counted)
        screen = await open_history(pilot)
        assert len(reads) == 2  # the opener's read, then the screen's own
        assert screen.rows[0].description == "Taxi to the airport"
        assert screen.query_one(LazyTable).row_count == 8


async def test_a_first_page_of_ledger_entries_is_not_shown_as_bills(demo: Ledger) -> None:
    """An opener that hands over ledger entries (a reversal among them): the screen,
    which lists bills, reads its own first page rather than show them."""
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        screen = HistoryScreen()
        screen.first_page(demo.history("Lisbon trip", limit=PAGE + 1))
        await app.push_screen(screen)
        await idle(pilot)
        assert all(tx.kind != "reversal" and tx.reversed_by is None for tx in screen.rows)
        assert len(screen.rows) == 8


async def test_a_failed_first_page_is_a_message_on_the_balances(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Ledger, *args: object, **kwargs: object) -> list[TxView]:
        raise Unavailable("the disk is on fire")

    working = Ledger.history
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        monkeypatch.setattr(Ledger, "history", broken)
        await pilot.press("h")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert any("on fire" in n.message for n in app._notifications)
        monkeypatch.setattr(Ledger, "history", working)
        await pilot.press("h")  # and h works again
        await idle(pilot)
        assert isinstance(app.screen, HistoryScreen)


def test_parse_query_passes_free_text_through_as_typed() -> None:
    assert parse_query("50%").text == "50%"
    assert parse_query("a_b").text == "a_b"
    assert parse_query(r"C:\temp").text == r"C:\temp"
    assert parse_query("Bob's cake").text == "Bob's cake"
    assert parse_query("'x y' http://a.b").text == "x y http://a.b"
    assert parse_query("member:'O'Brien' cat:\"ice cream\"") == HistoryQuery(
        member="O'Brien", category="ice cream"
    )


async def test_a_member_filter_naming_nobody_says_so(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        await search(pilot, screen, "member:zed")
        assert screen.rows == []
        status = str(screen.query_one("#history-status", Static).render())
        assert status == "There is no member named “zed” in this group."
        assert not app._notifications  # said where the rows would be, not as an error
        await search(pilot, screen, "member:Chandra nothing-like-this")
        status = str(screen.query_one("#history-status", Static).render())
        assert status == "No transactions match."


@pytest.fixture
def wildcards(trip: Ledger) -> Ledger:
    for description in ("50% off", "500 off", "a_b", "axb", r"back\slash", "back-slash"):
        trip.record_expense(
            group="Trip", description=description, amount="3.00", paid_by=(("ann", None),)
        )
    return trip


@pytest.mark.parametrize(
    ("typed", "found"), [("%", ["50% off"]), ("_", ["a_b"]), ("\\", ["back\\slash"])]
)
async def test_search_for_like_wildcards_is_literal(
    wildcards: Ledger, typed: str, found: list[str]
) -> None:
    app = make_app(wildcards)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        await search(pilot, screen, typed)
        assert descriptions(screen) == found


def _tx(kind: str, *postings: tuple[str, int]) -> TxView:
    from splitledger.services.views import PostingView

    return TxView(
        id=1,
        group="g",
        seq=1,
        kind=kind,
        date=dt.date(2026, 6, 1),
        description="d",
        category="",
        idempotency_key="k",
        postings=tuple(PostingView(m, "EUR", minor) for m, minor in postings),
    )


def test_payers_are_the_positive_postings_of_an_expense() -> None:
    tx = _tx("expense", ("Ann", 900), ("Bob", 300), ("Ann", -600), ("Bob", -600))
    assert history_cells.payers_text(tx, 20) == "Ann, Bob"
    assert history_cells.payers_text(tx, 7) == "Ann +1"


def test_a_payment_reads_payer_to_payee_and_a_reversal_names_who_paid() -> None:
    payment = _tx("payment", ("Bob", 1500), ("Alice", -1500))
    assert history_cells.payers_text(payment, 20) == "Bob → Alice"
    assert history_cells.payers_text(payment, 9) == "Bob → Al…"
    reversal = _tx("reversal", ("Bob", -4500), ("Ann", 2250), ("Bob", 2250))
    assert history_cells.payers_text(reversal, 20) == "Bob"


@pytest.mark.parametrize("width", [8, 12, 20])
def test_hostile_payer_names_stay_visible_and_within_the_width(width: int) -> None:
    from rich.cells import cell_len

    names = ["[bold]x[/]", "\x1b[31mred", "e\u202evil", "N" * 500]
    tx = _tx("expense", *((n, 100) for n in names), ("Ann", -400))
    shown = history_cells.payers_text(tx, width)
    assert cell_len(shown) <= width
    assert shown.isprintable()


async def test_the_history_says_who_paid_at_80_columns(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(LazyTable)
        assert [c.label.plain for c in table.columns][3] == "Paid by"
        assert sum(c.width for c in table.columns) + 2 * len(table.columns) <= 80
        payment = next(tx for tx in screen.rows if tx.kind == "payment")
        assert history_cells.payers_text(payment, 40) == "Bob → Alice"


async def test_a_resized_terminal_refits_the_columns_and_keeps_the_cursor(demo: Ledger) -> None:
    """At 80 columns the description is cut; widened to 120, the columns take the new
    width (whole descriptions, the amounts at the right edge), the cursor on its row."""
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one(LazyTable)
        await pilot.press("down", "down")
        on = screen.highlighted()
        narrow = [c.width for c in table.columns]
        await pilot.resize_terminal(120, 30)
        await idle(pilot)
        wide = [c.width for c in table.columns]
        assert wide[2] > narrow[2]
        assert sum(wide) > sum(narrow)
        assert sum(c.render_width for c in table.columns) <= 120
        assert screen.highlighted() == on
        assert "Taxi to the airport" in str(table.get_row_at(0)[2])
        await pilot.resize_terminal(80, 24)
        await idle(pilot)
        assert [c.width for c in table.columns] == narrow
