"""An interval is a whole number from 1 to 1000 through every face: the services refuse
0, negatives and what is not a whole number (a bool, 1.5, "2") when adding or editing a
schedule, naming the field, and store nothing; the CLI exits 2. An edit's interval of 0
used to be read as "not given" (`or`): the successor silently kept the old interval and
started the rule anew on the edit's date."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from tests.integration.recurring_bills import D, rent

BAD = [0, -1, 1001, True, 1.5, "2", None]


@pytest.mark.parametrize("interval", BAD)
def test_add_refuses_an_interval_that_is_not_1_to_1000(flat: Ledger, interval: Any) -> None:
    with pytest.raises(InvalidInput, match=r"interval: must be from 1 to 1000") as refused:
        rent(flat, interval=interval)
    assert refused.value.field == "interval"
    assert flat.schedules("Trip") == []


@pytest.mark.parametrize("interval", BAD[:-1])  # None: keep the interval
def test_edit_refuses_an_interval_that_is_not_1_to_1000(flat: Ledger, interval: Any) -> None:
    view = rent(flat, interval=3)
    with pytest.raises(InvalidInput, match=r"interval: must be from 1 to 1000") as refused:
        flat.edit_schedule(view.id, from_date=D(2026, 4, 10), interval=interval)
    assert refused.value.field == "interval"
    assert flat.schedules("Trip") == [flat.schedule(view.id)]  # no successor
    assert (flat.schedule(view.id).interval, flat.schedule(view.id).ends_on) == (3, None)


def test_edit_without_an_interval_keeps_it(flat: Ledger) -> None:
    view = rent(flat, interval=3)
    new = flat.edit_schedule(view.id, from_date=D(2026, 4, 30), amount="950", interval=None)
    assert (new.interval, new.starts) == (3, view.starts)  # same cadence, same anchor


@pytest.mark.parametrize("command", ["add", "edit"])
@pytest.mark.parametrize("interval", ["0", "-1", "x", ""])
def test_the_cli_refuses_it_and_writes_nothing(
    trip: Ledger, ledger_url: str, command: str, interval: str
) -> None:
    """`recurring add|edit --interval N` (exit 2, one line naming the option)."""
    runner = CliRunner()
    base = ["--db", ledger_url, "recurring"]
    added = ["add", "Trip", "Rent", "900", "--every", "month", "--from", "2026-01-31"]
    added += ["--paid-by", "ann"]
    if command == "edit":
        assert runner.invoke(cli, [*base, *added]).exit_code == 0
        args = ["edit", "1", "--from-date", "2026-04-10", "--interval", interval]
    else:
        args = [*added, "--interval", interval]
    before = trip.schedules("Trip")
    result = runner.invoke(cli, [*base, *args])
    assert result.exit_code == 2, result.output
    assert "--interval:" in result.output
    assert trip.schedules("Trip") == before
