"""One place maps every failure to the CLI's exit-code contract:

0 success; 1 `verify` found problems, the database is unavailable, or an unexpected
failure (its traceback goes to the log file, whose path is printed); 2 bad input of
any kind, with one plain line on stderr and nothing written; 3 an idempotency key
reused with a different payload.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from splitledger.cli.output import echo
from splitledger.domain import visible
from splitledger.services import logs
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


def _usage_message(exc: click.UsageError) -> str:
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


class LedgerGroup(click.Group):
    """The root command group: it runs a command and turns its errors into one line on
    stderr and the contract's exit code, never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Errors in the root's own options (`--db` without a value, an unknown option)
        follow the same contract as a command's."""
        problem = _undecodable(args)
        if problem is not None:
            fail(problem, BAD_INPUT)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            fail(_usage_message(exc), BAD_INPUT)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.UsageError as exc:
            fail(_usage_message(exc), BAD_INPUT)
        except click.ClickException as exc:
            fail(exc.format_message(), BAD_INPUT)
        except IdempotencyConflict as exc:
            fail(str(exc), IDEMPOTENCY_CONFLICT)
        except (InvalidInput, Conflict) as exc:
            fail(str(exc), BAD_INPUT)
        except Unavailable as exc:
            fail(str(exc), FAILED)
        except KeyboardInterrupt:
            fail("interrupted", INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, and keep Python from
            # complaining while it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(FAILED) from None
        except Exception as exc:
            logs.get_logger().error(
                "cli.unexpected",
                exc_info=True,
                extra={"fields": {"command": ctx.invoked_subcommand, "args": sys.argv[1:]}},
            )
            fail(
                f"unexpected {type(exc).__name__}: {exc}. The details are in {logs.log_file()}",
                FAILED,
            )
