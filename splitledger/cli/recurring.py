"""`recurring add|list|show|pause|resume|end|edit|run`: bills that repeat (ADR 0016).

A schedule's occurrences are ordinary expenses keyed `recurring:<id>:<date>`, recorded
by `recurring run` once their date has come (never earlier); `--dry-run` says what a
run would record, and with `--through` later than today lists those not due yet.
`list`, `show` and `run` print JSON with `--json`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from splitledger.cli import output
from splitledger.cli.bill_options import (
    Item,
    bill_changes,
    bill_options,
    category_change,
    category_option,
    changed_split,
    currency_change,
    currency_option,
    new_split,
    note_change,
    note_option,
)
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.cli.params import DATE, CountType
from splitledger.domain import visible
from splitledger.domain.errors import DomainError
from splitledger.domain.recurrence import EVERY, LAST_DAY, MAX_COUNT, MAX_INTERVAL

if TYPE_CHECKING:
    from splitledger.services.recurring import (
        Occurrence,
        OccurrenceStatus,
        RunReport,
        ScheduleView,
    )


class ScheduleIdType(click.ParamType[int, object]):
    """A recurring bill's id as the CLI prints it: `3` or `#3`."""

    name = "ID"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        text = str(value).strip().removeprefix("#")
        if not (text.isascii() and text.isdigit() and 0 < len(text) <= 19):
            self.fail(f"{str(value)!r} is not a recurring bill's id; write its number", param, ctx)
        return int(text)


class DayOfMonthType(click.ParamType[int, object]):
    """A day of the month, 1-31, or `last`."""

    name = "N|last"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        from splitledger.domain.recurrence import parse_day_of_month

        try:
            return parse_day_of_month(str(value))
        except DomainError as exc:
            self.fail(str(exc).partition(": ")[2], param, ctx)


F = TypeVar("F", bound=Callable[..., object])
SCHEDULE = ScheduleIdType()
_id_argument = click.argument("schedule_id", metavar="ID", type=SCHEDULE)


def _rule_options(*, change: bool) -> Callable[[F], F]:
    """--every, --interval, --day-of-month, --until, --count (as changes with `change`)."""
    every = click.option(
        "--every",
        type=click.Choice(EVERY),
        required=not change,
        help="A new period (the rule then starts anew on --from-date)."
        if change
        else "How often it repeats.",
    )
    interval = click.option(
        "--interval",
        type=CountType(1, MAX_INTERVAL),
        default=None if change else 1,
        show_default=not change,
        help="Every N periods (e.g. --every week --interval 2: fortnightly).",
    )
    day = click.option(
        "--day-of-month",
        type=DayOfMonthType(),
        help="Months and years: the day it falls on, or 'last'; in shorter months the "
        "last day, the same day again the next month. Default: the day of --from.",
    )
    until = click.option("--until", type=DATE, help="The last date it may fall on.")
    count = click.option(
        "--count", type=CountType(1, MAX_COUNT), help="How many times it falls (not with --until)."
    )

    def apply(f: F) -> F:
        for decorator in reversed((every, interval, day, until, count)):
            f = decorator(f)
        return f

    return apply


@click.group("recurring")
def recurring_cmd() -> None:
    """Bills that repeat: each date's bill is recorded once its day has come."""


@recurring_cmd.command("add")
@click.argument("group")
@click.argument("description")
@click.argument("amount")
@_rule_options(change=False)
@click.option("--from", "starts", type=DATE, required=True, help="The first date counted.")
@bill_options
@category_option
@currency_option
@note_option
@key_option
@json_option
def recurring_add(
    group: str,
    description: str,
    amount: str,
    every: str,
    interval: int,
    day_of_month: int | None,
    until: dt.date | None,
    count: int | None,
    starts: dt.date,
    paid_by: tuple[str, ...],
    split: str,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
    category: str,
    currency: str | None,
    note: str,
    key: str | None,
    as_json: bool,
) -> None:
    """Add a bill of AMOUNT for DESCRIPTION in GROUP that repeats --every period from
    --from on (until --until, or --count times, or for good).

    It takes every option of 'expense add' but --date; each date's bill carries the
    --note. Nothing is recorded until 'recurring run' (dates up to today only)."""
    bill = new_split(paid_by, split, for_, items, tax, tip)
    if until is not None and count is not None:
        raise click.UsageError("give --until or --count, not both")
    view = ledger().add_schedule(
        group,
        key=key,
        description=description,
        amount=amount,
        currency=currency,
        **bill,
        category=category,
        note=note,
        every=every,
        interval=interval,
        day_of_month=day_of_month,
        starts=starts,
        until=until,
        count=count,
    )
    _show(view, as_json, "Added")


@recurring_cmd.command("list")
@click.argument("group", required=False)
@json_option
def recurring_list(group: str | None, as_json: bool) -> None:
    """The recurring bills of GROUP (of every group without it), with each one's next
    date and how many are due."""
    views = ledger().schedules(group)
    if as_json:
        output.emit_json([schedule_json(v) for v in views])
        return
    if not views:
        output.echo("No recurring bills.")
        return
    rows = [
        [
            f"#{v.id}",
            v.group,
            v.description,
            f"{v.amount} {v.currency}",
            v.status,
            "-" if v.next_date is None else v.next_date.isoformat(),
            f"{v.due} due" if v.due else "",
            v.rule,
        ]
        for v in views
    ]
    output.echo(output.table(rows, right=frozenset({3})))


@recurring_cmd.command("show")
@_id_argument
@json_option
def recurring_show(schedule_id: int, as_json: bool) -> None:
    """Recurring bill ID: its bill, its rule, what is recorded and what comes next."""
    _show(ledger().schedule(schedule_id), as_json, None)


@recurring_cmd.command("pause")
@_id_argument
@click.option("--from", "on", type=DATE, help="The first day paused. Default: today.")
@json_option
def recurring_pause(schedule_id: int, on: dt.date | None, as_json: bool) -> None:
    """Pause recurring bill ID: dates falling while it is paused are skipped."""
    _show(ledger().pause_schedule(schedule_id, on=on), as_json, "Paused")


@recurring_cmd.command("resume")
@_id_argument
@click.option(
    "--from",
    "on",
    type=DATE,
    help="The first day it records again. Default: today; on or before the pause's "
    "first day, nothing is skipped.",
)
@json_option
def recurring_resume(schedule_id: int, on: dt.date | None, as_json: bool) -> None:
    """Resume paused recurring bill ID."""
    _show(ledger().resume_schedule(schedule_id, on=on), as_json, "Resumed")


@recurring_cmd.command("end")
@_id_argument
@click.option("--on", type=DATE, help="The last day it may fall on. Default: today.")
@json_option
def recurring_end(schedule_id: int, on: dt.date | None, as_json: bool) -> None:
    """End recurring bill ID: nothing dated after --on is recorded (bills already
    recorded stay)."""
    _show(ledger().end_schedule(schedule_id, on=on), as_json, "Ended")


@recurring_cmd.command("edit")
@_id_argument
@click.option(
    "--from-date",
    "from_date",
    type=DATE,
    required=True,
    help="The first date the change applies to; bills recorded before stay as they are.",
)
@click.option("--description", help="A new description.")
@click.option("--amount", help="A new amount.")
@bill_changes
@category_change
@currency_change
@note_change
@_rule_options(change=True)
@json_option
def recurring_edit(
    schedule_id: int,
    from_date: dt.date,
    description: str | None,
    amount: str | None,
    paid_by: tuple[str, ...],
    split: str | None,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
    category: str | None,
    currency: str | None,
    note: str | None,
    every: str | None,
    interval: int | None,
    day_of_month: int | None,
    until: dt.date | None,
    count: int | None,
    as_json: bool,
) -> None:
    """Change recurring bill ID from --from-date on: it ends the day before, and a new
    one with the changes takes over (naming it); the options given replace those of
    the bill and its rule, the rest is kept."""
    change = changed_split(paid_by, split, for_, items, tax, tip)
    if until is not None and count is not None:
        raise click.UsageError("give --until or --count, not both")
    view = ledger().edit_schedule(
        schedule_id,
        from_date=from_date,
        description=description,
        amount=amount,
        **change,
        category=category,
        currency=currency,
        note=note,
        every=every,
        interval=interval,
        day_of_month=day_of_month,
        until=until,
        count=count,
    )
    if not as_json:
        output.echo(f"Recurring bill #{schedule_id} ends on {from_date - dt.timedelta(days=1)}.")
    _show(view, as_json, "Added")


@recurring_cmd.command("run")
@click.argument("group", required=False)
@click.option(
    "--through",
    type=DATE,
    help="Record the bills dated up to this day. Default and latest: today (later with "
    "--dry-run only).",
)
@click.option("--dry-run", is_flag=True, help="Record nothing; say what would be recorded.")
@json_option
def recurring_run(group: str | None, through: dt.date | None, dry_run: bool, as_json: bool) -> None:
    """Record the recurring bills that are due, in GROUP (in every group without it).

    Each date's bill is recorded once, however often or from how many places this runs."""
    report = ledger().run_recurring(group, through=through, dry_run=dry_run)
    if as_json:
        output.emit_json(run_json(report))
        return
    _show_run(report)


def _show_run(report: RunReport) -> None:
    def lines(found: tuple[Occurrence, ...]) -> list[list[str]]:
        return [
            [
                *([] if report.dry_run else ["" if o.tx_id is None else f"#{o.tx_id}"]),
                o.date.isoformat(),
                o.group,
                o.description,
                f"{o.amount} {o.currency}",
                f"recurring #{o.schedule_id}",
                o.reason,
            ]
            for o in found
        ]

    due = report.having("due" if report.dry_run else "recorded")
    verb = "Would record" if report.dry_run else "Recorded"
    output.echo(f"{verb} {output.count(len(due), 'bill')} dated through {report.through}.")
    money = frozenset({3 if report.dry_run else 4})
    if due:
        output.echo(output.table(lines(due), right=money))
    sections: tuple[tuple[OccurrenceStatus, str], ...] = (
        ("skipped", "Skipped"),
        ("not due", "Not due yet (never recorded early)"),
    )
    for status, title in sections:
        found = report.having(status)
        if found:
            output.echo(f"{title}: {len(found)}")
            output.echo(output.table(lines(found), right=money))


def _show(view: ScheduleView, as_json: bool, verb: str | None) -> None:
    if as_json:
        output.emit_json(schedule_json(view))
        return
    head = f"{verb} recurring bill" if verb else "Recurring bill"
    output.echo(f"{head} #{view.id} in {visible(view.group)}: {visible(view.description)}")
    payers = ", ".join(n if v is None else f"{n}={v}" for n, v in view.paid_by)
    shared = ", ".join(n if v is None else f"{n}={v}" for n, v in view.participants)
    rows = [
        ["amount", f"{view.amount} {view.currency}"],
        ["paid by", payers],
        ["split", f"{view.split} between {shared or 'everyone'}"],
        ["rule", view.rule],
        ["status", view.status],
        ["next", "-" if view.next_date is None else view.next_date.isoformat()],
        ["recorded", str(view.recorded)],
    ]
    if view.category:
        rows.insert(1, ["category", view.category])
    if view.note:
        rows.insert(2 if view.category else 1, ["note", view.note])
    for line in view.items:
        rows.append(["item", f"{line[0]} {line[1]} ({', '.join(line[2])})"])
    if view.effective_from != view.starts:
        rows.append(["from", view.effective_from.isoformat()])
    if view.ends_on is not None:
        rows.append(["ends on", view.ends_on.isoformat()])
    for first, last in view.pauses:
        rows.append(["paused", f"{first} to {'-' if last is None else last}"])
    if view.replaces is not None:
        rows.append(["replaces", f"#{view.replaces}"])
    if view.replaced_by is not None:
        rows.append(["replaced by", f"#{view.replaced_by}"])
    if view.due:
        rows.append(["due", f"{view.due} (record with 'splitledger recurring run')"])
    output.echo(output.table(rows))


def schedule_json(view: ScheduleView) -> dict[str, Any]:
    def day(value: dt.date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": view.id,
        "group": view.group,
        "description": view.description,
        "category": view.category,
        "note": view.note,
        "amount": view.amount,
        "currency": view.currency,
        "paid_by": [list(p) for p in view.paid_by],
        "split": view.split,
        "for": [list(p) for p in view.participants],
        "items": [[d, a, list(ms)] for d, a, ms in view.items],
        "tax": view.tax,
        "tip": view.tip,
        "every": view.every,
        "interval": view.interval,
        "day_of_month": "last" if view.day_of_month == LAST_DAY else view.day_of_month,
        "from": view.starts.isoformat(),
        "until": day(view.until),
        "count": view.count,
        "effective_from": view.effective_from.isoformat(),
        "ends_on": day(view.ends_on),
        "pauses": [[a.isoformat(), day(b)] for a, b in view.pauses],
        "replaces": view.replaces,
        "replaced_by": view.replaced_by,
        "status": view.status,
        "rule": view.rule,
        "next_date": day(view.next_date),
        "due": view.due,
        "recorded": view.recorded,
        "last_recorded": day(view.last_recorded),
    }


def occurrence_json(o: Occurrence) -> dict[str, Any]:
    return {
        "date": o.date.isoformat(),
        "schedule": o.schedule_id,
        "group": o.group,
        "description": o.description,
        "amount": o.amount,
        "currency": o.currency,
        "status": o.status,
        "reason": o.reason,
        "tx": o.tx_id,
        "key": f"recurring:{o.schedule_id}:{o.date.isoformat()}",
    }


def run_json(report: RunReport) -> dict[str, Any]:
    return {
        "through": report.through.isoformat(),
        "dry_run": report.dry_run,
        "occurrences": [occurrence_json(o) for o in report.occurrences],
    }
