"""One place maps every failure to the CLI's exit-code contract:

0 success; 1 `verify` found problems, the database is unavailable, or an unexpected
failure (its traceback goes to the log file, whose path is printed); 2 bad input of
any kind, with one plain line on stderr and nothing written; 3 an idempotency key
reused with a different payload.

The root group (`splitledger.cli.main.LedgerGroup`) imports this module only when
something fails, so that a command that succeeds never pays for it.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from splitledger.cli.output import echo
from splitledger.domain import visible
from splitledger.services.errors import (
    Conflict,
    IdempotencyConflict,
    InvalidInput,
    Unavailable,
)

OK, FAILED, BAD_INPUT, IDEMPOTENCY_CONFLICT = 0, 1, 2, 3
INTERRUPTED = 130


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr (what it quotes shown through `domain.visible`), then exit."""
    echo(f"error: {' '.join(message.splitlines())}", err=True)
    raise click.exceptions.Exit(code)


def usage_message(exc: click.UsageError) -> str:
    """A bad value names its option first (`--date: …`); other usage errors (a missing
    option, an unknown one) keep click's words and point at the command's help."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        param = exc.param
        if exc.param_hint is not None:
            hints = [exc.param_hint] if isinstance(exc.param_hint, str) else exc.param_hint
            where = " / ".join(hints)
        elif isinstance(param, click.Option):
            where = " / ".join(param.opts)
        elif param is not None:
            where = param.human_readable_name
        else:
            where = "value"
        return f"{where}: {exc.message}"
    hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
    return exc.format_message() + hint


def _undecodable(args: list[str]) -> str | None:
    """What is wrong with the first argument that is not text (bytes that are not UTF-8
    arrive as lone surrogates), or None."""
    for number, arg in enumerate(args, start=1):
        for position, ch in enumerate(arg, start=1):
            if "\ud800" <= ch <= "\udfff":
                byte = f"byte 0x{ord(ch) - 0xDC00:02X}" if ch >= "\udc80" else "a lone surrogate"
                return (
                    f"argument {number} ({visible(arg)!r}) is not "
                    f"UTF-8 text: {byte} at position {position}"
                )
    return None


def refuse_undecodable(args: list[str]) -> None:
    """Exit with BAD_INPUT if an argument is not text (see `_undecodable`)."""
    problem = _undecodable(args)
    if problem is not None:
        fail(problem, BAD_INPUT)


def exit_for(exc: BaseException, ctx: click.Context) -> NoReturn:
    """Exit as the contract says for `exc`, raised while the root command ran (called
    from the root group's `except`, so that an unexpected failure's traceback is the one
    being handled)."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError) and exc.ctx is not None:
        # `splitledger expense` alone: its help as click lays it out (which commands it
        # has), not squeezed into the one-line error every other usage error gets
        echo(exc.ctx.get_help(), err=True)
        raise click.exceptions.Exit(BAD_INPUT)
    if isinstance(exc, click.UsageError):
        fail(usage_message(exc), BAD_INPUT)
    if isinstance(exc, click.ClickException):
        fail(exc.format_message(), BAD_INPUT)
    if isinstance(exc, IdempotencyConflict):
        fail(str(exc), IDEMPOTENCY_CONFLICT)
    if isinstance(exc, (InvalidInput, Conflict)):
        fail(str(exc), BAD_INPUT)
    if isinstance(exc, Unavailable):
        fail(str(exc), FAILED)
    if isinstance(exc, KeyboardInterrupt):
        fail("interrupted", INTERRUPTED)
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`| head`): stop quietly, and keep Python from
        # complaining while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise click.exceptions.Exit(FAILED) from None
    from splitledger.services import logs  # logging and the log directory: only here

    logs.get_logger().error(
        "cli.unexpected",
        exc_info=exc,
        extra={"fields": {"command": ctx.invoked_subcommand, "args": sys.argv[1:]}},
    )
    fail(
        f"unexpected {type(exc).__name__}: {exc}. The details are in {logs.log_file()}",
        FAILED,
    )
