"""`group rename`, `member rename` and `member remove` (issue 15): each does what it says,
prints the group with `--json`, and refuses bad input with exit 2, one plain line and
nothing written; hostile text is shown plainly."""

from __future__ import annotations

import pytest
from click.testing import Result

from tests.cli.conftest import Run, ok_json

#: A group neither archived nor closed, as its JSON says.
OPEN = {"archived": False, "closed_through": None}

HOSTILE = {
    "markup": "[bold]x[/]",
    "escape": "b\x1b[2Jx",
    "bidi": "b\u202ex",
    "long": "m" * 500,
}


def _snapshot(run: Run, group: str = "Trip") -> tuple[object, ...]:
    """What any write would change: the groups, the group's history and activity."""
    groups = ok_json(run("group", "list", "--json"))
    found = [g["name"] for g in groups["groups"]]
    if group not in found:
        return (groups,)
    return (
        groups,
        ok_json(run("history", group, "--json")),
        ok_json(run("activity", group, "--json")),
    )


def _refused(result: Result) -> str:
    """The one plain line of a refusal (exit 2, nothing on stdout, no traceback)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: "), line
    assert line.isprintable()
    return line


def test_group_rename_keeps_members_and_history(trip: Run) -> None:
    assert trip("expense", "add", "Trip", "Dinner", "30", "--paid-by", "ann").exit_code == 0
    result = trip("group", "rename", "trip", "Voyage")  # found as `balances trip` finds it
    assert result.exit_code == 0, result.output
    assert result.stdout == "Renamed group 'trip' to 'Voyage'.\n"
    listed = ok_json(trip("group", "list", "--json"))["groups"]
    assert listed == [
        {"name": "Voyage", "currency": "EUR", "members": ["ann", "bob", "cy"], **OPEN}
    ]
    assert len(ok_json(trip("history", "Voyage", "--json"))["transactions"]) == 1
    assert trip("balances", "Trip").exit_code == 2


def test_group_rename_json_prints_the_group(trip: Run) -> None:
    data = ok_json(trip("group", "rename", "Trip", "Voyage", "--json"))
    assert data == {"name": "Voyage", "currency": "EUR", "members": ["ann", "bob", "cy"], **OPEN}


def test_member_rename_keeps_balances(trip: Run) -> None:
    assert trip("expense", "add", "Trip", "Dinner", "30", "--paid-by", "ann").exit_code == 0
    result = trip("member", "rename", "Trip", "ann", "Anna")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Renamed 'ann' to 'Anna' in 'Trip'.\n'Trip' now has Anna, bob, cy.\n"
    data = ok_json(trip("balances", "Trip", "--json"))
    assert {b["member"]: b["minor"] for b in data["balances"]} == {
        "Anna": 2000,
        "bob": -1000,
        "cy": -1000,
    }


def test_member_rename_json_prints_the_group(trip: Run) -> None:
    data = ok_json(trip("member", "rename", "Trip", "bob", "Rob", "--json"))
    assert data == {"name": "Trip", "currency": "EUR", "members": ["ann", "Rob", "cy"], **OPEN}


def test_member_remove_a_settled_member(trip: Run) -> None:
    result = trip("member", "remove", "Trip", "cy")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Removed 'cy' from 'Trip'.\n'Trip' now has ann, bob.\n"
    data = ok_json(trip("member", "remove", "Trip", "bob", "--json"))
    assert data == {"name": "Trip", "currency": "EUR", "members": ["ann"], **OPEN}
    # Adding the name again brings them back.
    assert ok_json(trip("member", "add", "Trip", "cy", "--json"))["members"] == ["ann", "cy"]


def test_member_remove_the_last_member_says_so(run: Run) -> None:
    assert run("group", "create", "Solo", "--currency", "EUR", "--member", "ann").exit_code == 0
    result = run("member", "remove", "Solo", "ann")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "It has no members now."


def test_member_remove_is_refused_while_the_balance_is_not_zero(trip: Run) -> None:
    assert trip("expense", "add", "Trip", "Dinner", "30", "--paid-by", "ann").exit_code == 0
    before = _snapshot(trip)
    line = _refused(trip("member", "remove", "Trip", "cy"))
    assert line == "error: cy still has a balance of -10.00 EUR; settle up before removing them"
    assert _snapshot(trip) == before
    # Once settled, the removal goes through.
    assert trip("payment", "add", "Trip", "cy", "ann", "10").exit_code == 0
    assert trip("member", "remove", "Trip", "cy").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("group", "rename", "Nope", "X"), "error: no group named 'Nope'"),
        (("group", "rename", "Trip", "Other"), "error: a group named 'Other' already exists"),
        (("member", "rename", "Trip", "zed", "Z"), "error: 'zed' is not a member of 'Trip'"),
        (("member", "rename", "Nope", "ann", "Z"), "error: no group named 'Nope'"),
        (("member", "remove", "Trip", "zed"), "error: 'zed' is not a member of 'Trip'"),
        (("member", "remove", "Nope", "ann"), "error: no group named 'Nope'"),
        (("member", "rename", "Trip", "ann", "bob"), None),  # taken
        (("member", "rename", "Trip", "ann", "BOB"), None),  # reads the same as bob
        (("group", "rename", "Trip", "other"), None),  # reads the same as Other
        (("group", "rename", "Trip", ""), None),
        (("member", "rename", "Trip", "ann", "  "), None),
        (("group", "rename", "Trip"), None),  # NEW missing
        (("member", "remove", "Trip"), None),  # NAME missing
    ],
)
def test_refusals_write_nothing(trip: Run, args: tuple[str, ...], message: str | None) -> None:
    assert trip("group", "create", "Other", "--currency", "EUR").exit_code == 0
    before = _snapshot(trip)
    line = _refused(trip(*args))
    if message is not None:
        assert line == message
    assert _snapshot(trip) == before


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_new_names_are_refused_plainly(trip: Run, kind: str) -> None:
    name = HOSTILE[kind]
    before = _snapshot(trip)
    for args in (("group", "rename", "Trip", name), ("member", "rename", "Trip", "bob", name)):
        if kind == "markup":  # plain text, allowed: shown as typed, never as markup
            continue
        line = _refused(trip(*args))
        assert "\x1b" not in line
        assert "\u202e" not in line
        assert len(line) < 200, line
    assert _snapshot(trip) == before


def test_markup_in_names_is_shown_as_typed(trip: Run) -> None:
    markup = HOSTILE["markup"]
    renamed = trip("member", "rename", "Trip", "bob", markup)
    assert renamed.exit_code == 0, renamed.output
    assert f"Renamed 'bob' to '{markup}' in 'Trip'." in renamed.stdout
    group = trip("group", "rename", "Trip", markup)
    assert group.stdout == f"Renamed group 'Trip' to '{markup}'.\n"
    removed = trip("member", "remove", markup, markup)
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith(f"Removed '{markup}' from '{markup}'.")


def test_hostile_old_names_are_quoted_plainly(trip: Run) -> None:
    for args in (
        ("group", "rename", "T\x1b[2J\u202e", "X"),
        ("member", "rename", "Trip", "a\x1b[31m\u202e", "X"),
        ("member", "remove", "Trip", "a\x1b[31m\u202e"),
    ):
        line = _refused(trip(*args))
        assert "\x1b" not in line
        assert "\u202e" not in line


def test_renames_and_removal_with_a_key_record_once(trip: Run) -> None:
    first = ok_json(trip("group", "rename", "Trip", "Voyage", "--key", "r1", "--json"))
    assert ok_json(trip("group", "rename", "Trip", "Voyage", "--key", "r1", "--json")) == first
    other = trip("group", "rename", "Voyage", "Other", "--key", "r1")
    assert other.exit_code == 3
    before = _snapshot(trip, "Voyage")
    for args in (
        ("member", "rename", "Voyage", "cy", "cyrus"),
        ("member", "remove", "Voyage", "cyrus"),
    ):
        assert trip(*args, "--key", f"k-{args[1]}").exit_code == 0
        after = _snapshot(trip, "Voyage")
        assert trip(*args, "--key", f"k-{args[1]}").exit_code == 0  # a repeat: nothing new
        assert _snapshot(trip, "Voyage") == after
    assert _snapshot(trip, "Voyage") != before
