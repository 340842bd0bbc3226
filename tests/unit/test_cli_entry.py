from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from splitledger import __version__
from splitledger.cli.main import cli


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.strip().endswith(__version__)
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "open the app" in " ".join(result.output.split())


def test_cli_does_not_import_textual_for_commands() -> None:
    code = "import sys; from splitledger.cli.main import cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
