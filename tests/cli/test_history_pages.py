"""`history` is cut short by --limit, and says so: `--json` carries `"more"` and the
cursor `"before"`, text and CSV output a note on stderr; `--before ID` continues."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run, ok_json


def _expenses(trip: Run, count: int) -> list[int]:
    ids = []
    for i in range(count):
        made = ok_json(
            trip(
                "expense", "add", "Trip", f"Coffee {i}", "3", "--paid-by", "ann",
                "--date", f"2026-03-{1 + i % 3:02d}", "--json",
            )
        )  # fmt: skip
        ids.append(made["id"])
    return ids


def test_json_says_more_follow_and_before_continues(trip: Run) -> None:
    _expenses(trip, 7)
    everything = ok_json(trip("history", "Trip", "--json"))
    assert (everything["more"], everything["before"]) == (False, None)
    assert len(everything["transactions"]) == 7
    walked: list[dict[str, object]] = []
    args = ["history", "Trip", "--json", "--limit", "3"]
    pages = 0
    while True:
        page = ok_json(trip(*args))
        pages += 1
        walked.extend(page["transactions"])
        if not page["more"]:
            assert page["before"] is None
            break
        assert page["before"] == page["transactions"][-1]["id"]
        args = ["history", "Trip", "--json", "--limit", "3", "--before", str(page["before"])]
    assert pages == 3
    assert walked == everything["transactions"]


def test_the_default_limit_no_longer_hides_the_rest(trip: Run) -> None:
    _expenses(trip, 51)
    page = ok_json(trip("history", "Trip", "--json"))
    assert len(page["transactions"]) == 50
    assert page["more"] is True
    rest = ok_json(trip("history", "Trip", "--json", "--before", str(page["before"])))
    assert (len(rest["transactions"]), rest["more"]) == (1, False)


def test_a_page_exactly_as_long_as_the_limit_has_no_more(trip: Run) -> None:
    _expenses(trip, 3)
    page = ok_json(trip("history", "Trip", "--json", "--limit", "3"))
    assert (len(page["transactions"]), page["more"], page["before"]) == (3, False, None)


def test_filters_apply_to_every_page(trip: Run) -> None:
    _expenses(trip, 5)
    trip("payment", "add", "Trip", "bob", "ann", "1", "--date", "2026-03-02")
    first = ok_json(trip("history", "Trip", "--json", "--kind", "expense", "--limit", "4"))
    rest = ok_json(
        trip("history", "Trip", "--json", "--kind", "expense", "--before", str(first["before"]))
    )
    kinds = {t["kind"] for t in first["transactions"] + rest["transactions"]}
    assert kinds == {"expense"}
    assert len(first["transactions"]) + len(rest["transactions"]) == 5


def test_text_and_csv_output_note_the_rest_on_stderr(trip: Run, tmp_path: Path) -> None:
    _expenses(trip, 3)
    text = trip("history", "Trip", "--limit", "2")
    assert text.exit_code == 0
    assert len(text.stdout.splitlines()) == 2
    last = text.stdout.splitlines()[-1].split()[0].removeprefix("#")
    assert text.stderr == f"More transactions match: continue with --before {last}.\n"
    csv = trip("history", "Trip", "--limit", "2", "--csv", "-")
    assert csv.stderr == text.stderr
    assert csv.stdout.startswith("id,date,kind")
    out = tmp_path / "h.csv"
    assert trip("history", "Trip", "--limit", "2", "--json", "--csv", str(out)).stderr == ""
    whole = trip("history", "Trip")
    assert whole.stderr == ""


def test_continuing_from_a_transaction_elsewhere_is_refused(trip: Run) -> None:
    trip("group", "create", "Other", "--currency", "EUR", "--member", "ann", "--member", "bob")
    other = ok_json(trip("payment", "add", "Other", "ann", "bob", "1", "--json"))
    result = trip("history", "Trip", "--before", str(other["id"]))
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: no such transaction #{other['id']} in 'Trip'\n",
    )


def test_a_member_filter_must_name_a_member(trip: Run) -> None:
    result = trip("history", "Trip", "--member", "zed")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: no member named 'zed' in 'Trip'\n"
    trip("payment", "add", "Trip", "bob", "ann", "1")
    same = ok_json(trip("history", "Trip", "--member", "BOB", "--json"))
    assert len(same["transactions"]) == 1
