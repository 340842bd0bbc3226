"""Multi-currency from the command line: a trip in three currencies is recorded,
converted and settled, and the exports pass the real hledger and bean-check."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from splitledger.cli.main import cli
from tests.cli.conftest import Run, ok_json
from tests.tools import tool


def _by_currency(run: Run) -> dict[tuple[str, str], int]:
    data = ok_json(run("balances", "Trip", "--json"))
    return {(b["member"], b["currency"]): b["minor"] for b in data["balances"]}


def _three_currencies(trip: Run, tmp_path: Path) -> None:
    for args in (
        ("Dinner", "1800", "--currency", "BDT", "--paid-by", "ann"),
        ("Hotel", "300", "--paid-by", "bob"),
        ("Flight", "450", "--currency", "usd", "--paid-by", "cy"),
    ):
        result = trip("expense", "add", "Trip", *args, "--date", "2026-11-01")
        assert result.exit_code == 0, result.output
    assert trip("rate", "add", "Trip", "EUR", "BDT", "130.5", "--date", "2026-11-01").exit_code == 0
    rates = tmp_path / "rates.csv"
    rates.write_text("date,base,quote,rate\r\n2026-11-01,USD,EUR,0.92\r\n", encoding="utf-8")
    result = trip("rate", "import", "Trip", str(rates))
    assert "Recorded 1 rate from" in result.output


def test_record_convert_and_settle_a_trip_in_three_currencies(trip: Run, tmp_path: Path) -> None:
    _three_currencies(trip, tmp_path)
    assert {c for (_, c) in _by_currency(trip)} == {"BDT", "EUR", "USD"}
    listed = ok_json(trip("rate", "list", "Trip", "--json"))
    assert [(r["base"], r["quote"], r["rate"]) for r in listed["rates"]] == [
        ("EUR", "BDT", "130.5"),
        ("USD", "EUR", "0.92"),
    ]
    missing = trip("convert", "Trip", "--date", "2026-10-01")
    assert missing.exit_code == 2
    assert "no BDT/EUR rate on or before 2026-10-01" in missing.stderr
    settled = trip("settle", "Trip", "--in", "EUR", "--record", "--key", "s1")
    assert settled.exit_code == 0, settled.output
    assert "Convert BDT to EUR at 1 EUR = 130.5 BDT" in settled.output
    assert set(_by_currency(trip).values()) == {0}
    assert ok_json(trip("verify", "--json"))["ok"] is True
    history = ok_json(trip("history", "Trip", "--json", "--kind", "conversion"))
    assert len(history["transactions"]) == 2


def test_partial_conversion_blocks_a_plain_settle_with_a_reason(trip: Run, tmp_path: Path) -> None:
    _three_currencies(trip, tmp_path)
    converted = ok_json(
        trip("convert", "Trip", "--member", "ann", "--date", "2026-11-01", "--json")
    )
    assert {t["kind"] for t in converted["transactions"]} == {"conversion"}
    result = trip("settle", "Trip")
    assert result.exit_code == 2
    assert "partly converted" in result.stderr


def test_multi_currency_exports_pass_hledger_and_bean_check(trip: Run, tmp_path: Path) -> None:
    _three_currencies(trip, tmp_path)
    assert trip("convert", "Trip", "--member", "ann", "--date", "2026-11-01").exit_code == 0
    journal, beans = tmp_path / "t.journal", tmp_path / "t.beancount"
    assert trip("export", "Trip", "--format", "hledger", "--output", str(journal)).exit_code == 0
    assert trip("export", "Trip", "--format", "beancount", "--output", str(beans)).exit_code == 0
    out = subprocess.run(
        [tool("hledger"), "-f", str(journal), "bal", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "members:ann" in out
    checked = subprocess.run([tool("bean-check"), str(beans)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_journals_carry_prices_and_exchange_accounts_under_equity(
    trip: Run, tmp_path: Path
) -> None:
    _three_currencies(trip, tmp_path)
    assert trip("convert", "Trip", "--member", "ann", "--date", "2026-11-01").exit_code == 0
    journal = trip("export", "Trip", "--format", "hledger").stdout
    assert "P 2026-11-01 EUR 130.5 BDT" in journal
    assert "equity:conversion:BDT-EUR" in journal
    beans = trip("export", "Trip", "--format", "beancount").stdout
    assert "2026-11-01 price USD 0.92 EUR" in beans
    assert "Equity:Conversion:BDT-EUR" in beans
    prices = subprocess.run(
        [tool("hledger"), "-f", "-", "prices"],
        input=journal,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "P 2026-11-01 EUR 130.5 BDT" in prices


def test_json_backup_of_a_converted_group_restores_rates_and_exchange_accounts(
    trip: Run, tmp_path: Path, db_url: str, fresh_url: str
) -> None:
    _three_currencies(trip, tmp_path)
    assert trip("convert", "Trip", "--member", "ann", "--date", "2026-11-01").exit_code == 0
    dump = tmp_path / "trip.json"
    assert trip("export", "Trip", "--format", "json", "--output", str(dump)).exit_code == 0
    restored = CliRunner().invoke(
        cli,
        ["--db", fresh_url, "import", "Trip", str(dump), "--format", "json"],
        catch_exceptions=False,
    )
    assert restored.exit_code == 0, restored.output

    def state(url: str) -> tuple[object, ...]:
        def call(*args: str) -> Any:
            return ok_json(CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False))

        history = call("history", "Trip", "--json")["transactions"]
        return (
            call("balances", "Trip", "--json"),
            call("rate", "list", "Trip", "--json"),
            [(t["kind"], t["description"], t["postings"]) for t in history],
            call("group", "list", "--json"),
        )

    assert state(fresh_url) == state(db_url)


def test_a_multi_currency_splitwise_file_imports_per_currency(run: Run, tmp_path: Path) -> None:
    from tests.interop.splitwise_samples import export

    rows = [
        "2026-03-01,Groceries,Groceries,30.00,EUR,20.00,-10.00,-10.00\n",
        "2026-03-02,Ferry,Transport,9000,JPY,-3000,6000,-3000\n",
        "2026-03-03,Museum,Fun,45.00,USD,-15.00,-15.00,30.00\n",
    ]
    totals = (
        "2026-03-04,Total balance, , ,EUR,20.00,-10.00,-10.00\n"
        "2026-03-04,Total balance, , ,JPY,-3000,6000,-3000\n"
        "2026-03-04,Total balance, , ,USD,-15.00,-15.00,30.00\n"
    )
    path = tmp_path / "trip.csv"
    path.write_bytes(export(rows, totals))
    result = run("import", "Trip", str(path), "--format", "splitwise", "--json")
    assert result.exit_code == 0, result.output
    data = ok_json(run("balances", "Trip", "--json"))
    got = {(b["member"], b["currency"]): b["minor"] for b in data["balances"] if b["minor"]}
    assert got == {
        ("Ann Lee", "EUR"): 2000,
        ("Bob", "EUR"): -1000,
        ("Cy", "EUR"): -1000,
        ("Ann Lee", "JPY"): -3000,
        ("Bob", "JPY"): 6000,
        ("Cy", "JPY"): -3000,
        ("Ann Lee", "USD"): -1500,
        ("Bob", "USD"): -1500,
        ("Cy", "USD"): 3000,
    }


def test_a_rate_the_ledger_refuses_is_named_by_its_row_in_the_file(
    trip: Run, tmp_path: Path
) -> None:
    """Row numbers count the header and blank rows, as the file's own errors do; and the
    import records none of the file."""
    rates = tmp_path / "clash.csv"
    rates.write_text(
        "date,base,quote,rate\n2026-11-03,EUR,USD,1.1\n\n2026-11-03,EUR,USD,1.2\n",
        encoding="utf-8",
    )
    result = trip("rate", "import", "Trip", str(rates))
    assert result.exit_code == 2
    assert f"{rates}, row 4: a EUR/USD rate for 2026-11-03 is already recorded" in result.stderr
    assert ok_json(trip("rate", "list", "Trip", "--json"))["rates"] == []
