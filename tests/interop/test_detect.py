"""`--format auto`: every registered format's sample files (tests/interop/samples/<format>/,
whatever exists) are told apart by their detectors and never taken for another format;
the generic CSV is never guessed; a file nobody recognises is refused naming the formats
tried; and the import's summary says which format it chose (text and --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.interop import formats
from splitledger.interop.errors import FormatError
from splitledger.interop.text import decode_head

SAMPLES = Path(__file__).parent / "samples"
#: What a sample directory holds besides data files (the generic CSV's mappings).
NOT_DATA = frozenset({".map", ".md"})
#: Samples that auto-detection may leave unclaimed (never claimed by another format),
#: and why.
UNCLAIMED: dict[str, str] = {}
DETECTED = [name for name, reader in formats.READERS.items() if reader.detect is not None]


def samples(fmt: str) -> list[Path]:
    folder = SAMPLES / fmt
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix not in NOT_DATA)


def detect(path: Path) -> str:
    return formats.detect(decode_head(path.read_bytes()[: formats.HEAD_CHARS * 4]))


SAMPLE_FILES = [
    pytest.param(fmt, path, id=f"{fmt}/{path.name}") for fmt in DETECTED for path in samples(fmt)
]


@pytest.mark.parametrize(("fmt", "path"), SAMPLE_FILES)
def test_each_sample_is_detected_as_its_own_format(fmt: str, path: Path) -> None:
    where = f"{fmt}/{path.name}"
    if where in UNCLAIMED:
        with pytest.raises(FormatError, match="cannot tell which app"):
            detect(path)
        return
    assert detect(path) == fmt


def test_every_format_that_can_be_detected_has_samples_or_is_our_own() -> None:
    """A reader without sample files cannot be checked here: say which (json, our own
    dump, is checked by export below)."""
    missing = [fmt for fmt in DETECTED if not samples(fmt) and fmt != "json"]
    assert missing == []


@pytest.mark.parametrize("path", samples("csv"), ids=lambda p: p.name)
def test_spreadsheets_are_never_guessed(path: Path) -> None:
    assert formats.READERS["csv"].detect is None
    with pytest.raises(FormatError) as caught:
        detect(path)
    assert "--format csv with --map" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello\n",
        "Date,Amount,Who\n2026-03-01,10.00,ann\n",
        '{"some": "json"}\n',
        "\x1b[31m[bold]x[/]\u202e\n",
    ],
    ids=["empty", "prose", "sheet", "other-json", "hostile"],
)
def test_a_file_nobody_recognises_names_the_formats_tried(text: str) -> None:
    with pytest.raises(FormatError) as caught:
        formats.detect(text)
    message = str(caught.value)
    assert f"(tried {', '.join(DETECTED)})" in message
    assert "give --format" in message


def _cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_our_own_json_dump_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert _cli(db, "group", "create", "Trip", "--currency", "EUR", "--member", "ann",
                "--member", "bob")[0] == 0  # fmt: skip
    assert _cli(db, "expense", "add", "Trip", "Dinner", "30", "--paid-by", "ann")[0] == 0
    dump = tmp_path / "trip.json"
    assert _cli(db, "export", "Trip", "--format", "json", "--output", str(dump))[0] == 0
    assert detect(dump) == "json"
    code, out, err = _cli(tmp_path / "b.db", "import", "Trip", str(dump), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["format"], report["detected"], report["ok"]) == ("json", True, True)


@pytest.mark.parametrize(("fmt", "path"), SAMPLE_FILES)
def test_the_summary_names_the_detected_format(tmp_path: Path, fmt: str, path: Path) -> None:
    """A dry run with --format auto says which format it read, in --json (`format`,
    `detected`) and in text (`(FORMAT, detected)`). Samples that need a flag the test
    does not give (--unbalanced-to, --no-footer, --currency) or are refused are skipped
    here: their own tests import them."""
    if f"{fmt}/{path.name}" in UNCLAIMED:
        pytest.skip("not claimed by auto-detection")
    db = tmp_path / "ledger.db"
    code, out, err = _cli(db, "import", "G", str(path), "--dry-run", "--json")
    if code == 2 and "cannot tell" not in err:
        pytest.skip(f"needs more than --format auto: {err.strip()[:120]}")
    assert code == 0, err
    report = json.loads(out)
    assert (report["format"], report["detected"]) == (fmt, True)
    code, out, err = _cli(db, "import", "G", str(path), "--dry-run")
    assert code == 0, err
    assert f"({fmt}, detected)" in out.splitlines()[0]


def test_a_chosen_format_is_not_said_to_be_detected(tmp_path: Path) -> None:
    path = samples("splitwise")[0] if samples("splitwise") else None
    if path is None:
        pytest.skip("no Splitwise samples yet")
    args = ["import", "G", str(path), "--format", "splitwise", "--dry-run", "--json"]
    code, out, err = _cli(tmp_path / "l.db", *args, "--no-footer", "--unbalanced-to", "Former")
    if code == 2:
        pytest.skip(err)
    assert json.loads(out)["detected"] is False


def test_words_in_a_line_are_not_columns() -> None:
    """Settle Up is told by its `Who paid` and `For whom` columns, not by a comment line
    that says them; IHateMoney's settle-up export is claimed, so its reader can say
    which file to export instead."""
    with pytest.raises(FormatError, match="cannot tell"):
        formats.detect("# who paid, and for whom: see the notes\nDate,Cost\n")
    assert formats.detect('Who paid,Amount,For whom,Split amounts\n"a",1,"b",1\n') == "settleup"
    assert formats.detect('[{"amount": 1, "receiver": "a", "ower": "b"}]') == "ihatemoney"
