"""The Reports screen (issue 16): spending by month, category and member as bar charts,
the figures those of `Ledger.spending_report` and of `splitledger report --json` (for
the demo trip and for a generated ledger in two currencies), periods stepped from the
keyboard, the picked bar's members, and stored hostile text shown plainly."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from splitledger.cli.main import cli
from splitledger.domain.money import to_decimal
from splitledger.services.ledger import Ledger
from splitledger.services.views import ReportBucket, SpendingReport
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.commands import open_route
from splitledger.tui.formatting import money
from splitledger.tui.screens.reports import (
    NO_CATEGORY,
    Period,
    ReportsScreen,
    add_months,
    months_between,
)
from splitledger.tui.widgets.bars import Bars
from tests.tui.conftest import idle, make_app
from tests.tui.test_hostile_text import ANN, CLICK, hostile, look  # noqa: F401 - a fixture

GROUP = "Lisbon trip"
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def reports(app: SplitLedgerApp) -> ReportsScreen:
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def open_reports(pilot: Pilot[None]) -> ReportsScreen:
    await idle(pilot)
    await pilot.press("t")
    await idle(pilot)
    return reports(pilot.app)  # type: ignore[arg-type]


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await idle(pilot)


def drawn(screen: ReportsScreen) -> list[tuple[str, str]]:
    """The chart's rows as drawn: (label, amount text)."""
    return [(bar.label, bar.amount) for bar in screen.query_one(Bars).bars]


def expected(report: SpendingReport, currency: str, view: str) -> list[tuple[str, str]]:
    """What the chart must show of `report` (the services' figures, in `currency`)."""
    rows = []
    for b in report.buckets:
        if b.currency != currency:
            continue
        value = b.consumed if view == "member" else b.spent
        label = b.key[0] or NO_CATEGORY if view == "category" else b.key[0]
        rows.append((label, money(value, currency)))
    return rows


def members_table(screen: ReportsScreen) -> list[tuple[str, ...]]:
    table = screen.query_one("#bucket-members", DataTable)
    if not table.display:
        return []
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def bucket_rows(bucket: ReportBucket) -> list[tuple[str, ...]]:
    c = bucket.currency
    return [
        (m.member, money(m.paid, c), money(m.consumed, c), money(m.net, c, signed=True))
        for m in bucket.members
    ]


def title(screen: ReportsScreen) -> str:
    return str(screen.query_one("#report-title", Static).render())


def test_periods_step_by_month_and_year() -> None:
    assert add_months(dt.date(2026, 12, 5), 1) == dt.date(2027, 1, 1)
    assert add_months(dt.date(2026, 1, 31), -1) == dt.date(2025, 12, 1)
    month = Period("month", dt.date(2024, 2, 1))
    assert (month.first, month.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month.step(-2).text() == "December 2023"
    year = Period("year", dt.date(2026, 1, 1))
    assert (year.first, year.last) == YEAR
    assert year.step(1).text() == "2027"
    everything = Period("all", dt.date(2026, 1, 1))
    assert (everything.first, everything.last) == (None, None)
    assert everything.step(5) == everything
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


async def test_the_demo_by_month_category_and_member_as_the_services_say(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        # By month: the year of today (2026-06-10), every month through June.
        by_month = demo.spending_report(GROUP, by="month", date_from=YEAR[0], date_to=YEAR[1])
        assert "by month · 2026 · EUR" in title(screen)
        months = [f"2026-{m:02d}" for m in range(1, 7)]
        assert [label for label, _ in drawn(screen)] == months
        assert drawn(screen)[-1] == expected(by_month, "EUR", "month")[0]
        assert {amount for _, amount in drawn(screen)[:-1]} == {money(0, "EUR")}
        assert members_table(screen) == bucket_rows(by_month.buckets[0])  # June picked
        # By category: June.
        await press(pilot, "c")
        by_category = demo.spending_report(GROUP, by="category", date_from=JUNE[0], date_to=JUNE[1])
        assert "by category · June 2026 · EUR" in title(screen)
        assert drawn(screen) == expected(by_category, "EUR", "category")
        assert len(drawn(screen)) > 2
        assert members_table(screen) == bucket_rows(by_category.buckets[0])
        await press(pilot, "down", "down")
        assert members_table(screen) == bucket_rows(by_category.buckets[2])
        total = by_category.totals[0].spent
        assert money(total, "EUR") in str(screen.query_one("#report-total", Static).render())
        # By member: each one's share.
        await press(pilot, "p")
        by_member = demo.spending_report(GROUP, by="member", date_from=JUNE[0], date_to=JUNE[1])
        assert drawn(screen) == expected(by_member, "EUR", "member")
        await press(pilot, "end")
        assert members_table(screen) == bucket_rows(by_member.buckets[-1])


async def test_periods_move_from_the_keyboard(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await press(pilot, "c", "left")
        assert "May 2026" in title(screen)
        assert drawn(screen) == []
        assert "Nothing spent in EUR in May 2026" in str(screen.query_one(Bars).render())
        assert members_table(screen) == []
        await press(pilot, "right_square_bracket")
        assert "June 2026" in title(screen)
        assert drawn(screen)
        await press(pilot, "w")  # a year
        assert "· 2026 ·" in title(screen)
        await press(pilot, "left")
        assert "· 2025 ·" in title(screen)
        assert drawn(screen) == []
        await press(pilot, "m")  # by month, a year with nothing: no bars, said so
        assert "by month · 2025" in title(screen)
        assert drawn(screen) == []
        assert "Nothing spent in EUR in 2025" in str(screen.query_one(Bars).render())
        await press(pilot, "c")
        await press(pilot, "w")  # all dates
        assert "all dates" in title(screen)
        report = demo.spending_report(GROUP, by="category")
        assert drawn(screen) == expected(report, "EUR", "category")
        await press(pilot, "left")  # nothing before all dates
        assert "all dates" in title(screen)
        await press(pilot, "w")  # back to a month: today's
        assert "June 2026" in title(screen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, ReportsScreen)


def generated(ledger: Ledger, seed: int) -> None:
    """A flat over 14 months in EUR and USD: random bills, categories (some none),
    payers and participants, a payment now and then, and some bills deleted."""
    rng = random.Random(seed)
    people = ["ann", "bob", "cy", "dee"]
    ledger.create_group("Flat", "EUR", people)
    categories = ["rent", "food", "", "power", "fun"]
    ids = []
    for n in range(60):
        day = dt.date(2025, 5, 1) + dt.timedelta(days=rng.randrange(420))
        share = rng.sample(people, rng.randrange(1, 5))
        tx = ledger.record_expense(
            "Flat",
            description=f"bill {n}",
            amount=f"{rng.randrange(1, 40000) / 100:.2f}",
            currency=rng.choice(["EUR", "EUR", "USD"]),
            paid_by=[(rng.choice(people), None)],
            participants=[(p, None) for p in share],
            category=rng.choice(categories),
            date=day,
        )
        ids.append(tx.id)
        if rng.random() < 0.1:
            ledger.record_payment(
                "Flat", payer=rng.choice(people[:2]), payee=people[3], amount="5.00", date=day
            )
    for tx_id in rng.sample(ids, 6):
        ledger.reverse(tx_id)


def cli_report(db: Path, by: str, currency: str) -> dict[str, Decimal]:
    """`splitledger report Flat --by BY --currency C --json`: each bucket's figure as
    the chart shows it (what was spent; by member, what each consumed)."""
    result = CliRunner().invoke(
        cli,
        ["--db", str(db), "report", "Flat", "--by", by, "--currency", currency, "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    found: dict[str, Decimal] = {}
    for bucket in json.loads(result.stdout)["buckets"]:
        if by == "member":
            (share,) = bucket["members"]
            found[bucket["member"]] = Decimal(share["consumed"])
        else:
            found[bucket[by] or NO_CATEGORY] = Decimal(bucket["spent"])
    return found


async def test_a_generated_ledger_shows_the_cli_figures_in_each_currency(
    ledger: Ledger, db_path: Path
) -> None:
    generated(ledger, seed=16)
    app = make_app(ledger)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        open_route(app, "reports")
        await idle(pilot)
        screen = reports(app)
        await press(pilot, "w")  # by month: from a year to all dates
        assert "all dates" in title(screen)
        seen = 0
        for view, key in (("month", "m"), ("category", "c"), ("member", "p")):
            await press(pilot, key)
            if view != "month":
                assert "all dates" in title(screen)
            for currency in ("EUR", "USD"):
                assert screen.currency == currency
                service = ledger.spending_report("Flat", by=view, currency=currency)
                shown = {label: amount for label, amount in drawn(screen)}
                cli_figures = cli_report(db_path, view, currency)
                for label, figure in cli_figures.items():
                    minor = next(
                        (b.consumed if view == "member" else b.spent)
                        for b in service.buckets
                        if (b.key[0] or NO_CATEGORY) == label
                    )
                    assert to_decimal(minor, currency) == figure
                    assert shown[label] == money(minor, currency)
                    seen += 1
                # By month, the months between show zero; else nothing but the buckets.
                extra = {
                    label: amount for label, amount in shown.items() if label not in cli_figures
                }
                assert set(extra.values()) <= {money(0, currency)}
                assert view == "month" or not extra
                await press(pilot, "u")
        assert seen > 20


async def test_stored_hostile_names_are_shown_plainly(ledger: Ledger) -> None:
    markup = "[bold]x[/] [@click=app.quit]"
    ledger.create_group("G", "EUR", ["ann", "bob " + "w" * 40])
    ledger.record_expense(
        "G",
        description="d",
        amount="10.00",
        paid_by=[("ann", None)],
        category=markup,
        date=dt.date(2026, 6, 3),
    )
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await press(pilot, "c")
        chart = str(screen.query_one(Bars).render())
        assert "[bold]x[/]" in chart
        await press(pilot, "p")
        assert any("ann" in label for label, _ in drawn(screen))
        assert app.is_running


async def test_hostile_and_legacy_text_is_plain_and_visible_in_every_view(
    hostile: Ledger,  # noqa: F811 - the fixture imported above
) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_reports(pilot)
        await look(pilot, ReportsScreen, "Flat", ANN)  # (June's members under the chart)
        await press(pilot, "c")
        await look(pilot, ReportsScreen, CLICK, "東京")
        for _ in range(4):
            await press(pilot, "down")
            await look(pilot, ReportsScreen)
        await press(pilot, "p")
        await look(pilot, ReportsScreen, ANN, "[link=file:///etc/passw…")  # (cut at 24)
        for _ in range(6):
            await press(pilot, "down")
            await look(pilot, ReportsScreen)
