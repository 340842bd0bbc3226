"""A Hypothesis state machine over the services with hostile input: every call either
succeeds or is refused with a `ServiceError` that writes nothing; `verify` stays clean
and the balances of every currency sum to zero after every step."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from splitledger.services.errors import ServiceError, Unavailable
from splitledger.services.ledger import Ledger
from tests.fuzz.strategies import amounts, dates, ids, text

GROUP = "Flat"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated ledger with a group, copied for every run (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    with Ledger.open(str(path), actor="fuzz") as ledger:
        ledger.create_group(GROUP, "EUR", ["ann", "bob"])
    return path


class LedgerMachine(RuleBasedStateMachine):
    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="fuzz-")
        path = Path(self.folder) / "ledger.db"
        shutil.copy(self.template, path)
        self.ledger = Ledger.open(str(path), actor="fuzz")
        self.members = ["ann", "bob"]
        self.tx_ids: list[int] = []
        self.refused = 0

    def teardown(self) -> None:
        self.ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _state(self) -> tuple[object, ...]:
        return (
            self.ledger.change_token(None),
            self.ledger.change_token(GROUP),
            self.ledger.balances(GROUP),
        )

    def _attempt(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one use case: success, or a clean refusal that changed nothing."""
        before = self._state()
        try:
            return call(*args, **kwargs)
        except Unavailable:
            raise  # a local SQLite file is never unavailable: that is a bug
        except ServiceError as exc:
            message = str(exc)
            assert message
            assert "\n" not in message
            for jargon in ("minor unit", "String should", ".0:", "Error", "Traceback"):
                assert jargon not in message, message
            assert self._state() == before, f"refused ({message}) but something changed"
            self.refused += 1
            return None

    def _who(self, data: st.DataObject) -> str:
        return data.draw(st.one_of(st.sampled_from(self.members), text))

    @rule(name=text)
    def add_member(self, name: str) -> None:
        group = self._attempt(self.ledger.add_members, GROUP, [name])
        if group is not None:
            self.members = list(group.members)

    @rule(data=st.data())
    def record_expense(self, data: st.DataObject) -> None:
        """A sound expense with at most one field made hostile, so that both the writes
        and each field's refusal get exercised."""
        hostile = data.draw(
            st.sampled_from(
                [
                    None,
                    None,
                    None,
                    "description",
                    "amount",
                    "category",
                    "date",
                    "payer",
                    "participants",
                    "note",
                ]
            )
        )

        def field(name: str, sound: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
            return data.draw(bad if hostile == name else sound)

        split = data.draw(st.sampled_from(["equal", "exact", "percent", "shares", "adjust"]))
        amount = data.draw(st.integers(min_value=1, max_value=10**6))
        participants: tuple[tuple[str, str | None], ...] = ()
        if split == "exact":
            participants = ((self.members[0], f"{amount // 100}.{amount % 100:02d}"),)
        elif split in ("percent", "shares", "adjust"):
            value = {"percent": "100", "shares": "2", "adjust": "0"}[split]
            participants = ((self.members[-1], value),)
        if hostile == "participants":
            participants = tuple(
                (data.draw(text), data.draw(st.one_of(st.none(), amounts)))
                for _ in range(data.draw(st.integers(min_value=0, max_value=3)))
            )
        tx = self._attempt(
            self.ledger.record_expense,
            group=GROUP,
            description=field("description", st.sampled_from(["Dinner", "Café 🍕"]), text),
            amount=field("amount", st.just(f"{amount // 100}.{amount % 100:02d}"), amounts),
            paid_by=((field("payer", st.sampled_from(self.members), text), None),),
            split=split,
            participants=participants,
            category=field("category", st.sampled_from(["", "[bold]food[/]"]), text),
            date=field("date", st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), dates),
            note=field("note", st.sampled_from(["", "receipt [bold]x[/]"]), text),
        )
        if tx is not None:
            self.tx_ids.append(tx.id)

    @rule(data=st.data())
    def record_payment(self, data: st.DataObject) -> None:
        hostile = data.draw(
            st.sampled_from([None, None, "amount", "description", "date", "payer", "payee", "note"])
        )

        def field(name: str, sound: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
            return data.draw(bad if hostile == name else sound)

        tx = self._attempt(
            self.ledger.record_payment,
            group=GROUP,
            payer=field("payer", st.just(self.members[0]), text),
            payee=field("payee", st.just(self.members[-1]), text),
            amount=field("amount", st.just("12.50"), amounts),
            description=field("description", st.just("back"), text),
            date=field("date", st.just(dt.date(2026, 11, 1)), dates),
            note=field("note", st.just("cash"), text),
        )
        if tx is not None:
            self.tx_ids.append(tx.id)

    @precondition(lambda self: bool(self.tx_ids))
    @rule(data=st.data())
    def reverse_a_recorded_one(self, data: st.DataObject) -> None:
        self._attempt(self.ledger.reverse, data.draw(st.sampled_from(self.tx_ids)))

    @rule(tx_id=ids)
    def reverse_or_show_any_id(self, tx_id: int) -> None:
        self._attempt(self.ledger.reverse, tx_id)
        self._attempt(self.ledger.transaction, tx_id)

    @rule(data=st.data(), new=text)
    def rename_member(self, data: st.DataObject, new: str) -> None:
        group = self._attempt(self.ledger.rename_member, GROUP, self._who(data), new)
        if group is not None:
            self.members = list(group.members)

    @rule(name=text)
    def create_group(self, name: str) -> None:
        self._attempt(self.ledger.create_group, name, "EUR", ["ann"])

    @rule(query=text)
    def search(self, query: str) -> None:
        self._attempt(self.ledger.history, GROUP, text=query)
        self._attempt(self.ledger.history, GROUP, note=query)

    @rule(through=st.one_of(st.dates(dt.date(2019, 1, 1), dt.date(2031, 1, 1)), dates))
    def close_period(self, through: dt.date) -> None:
        """Closes only move forward; writes dated in a closed period are refused from
        then on (a refusal changes nothing: `_attempt` checks)."""
        self._attempt(self.ledger.close_period, GROUP, through)

    @rule(archive=st.booleans())
    def archive_or_unarchive(self, archive: bool) -> None:
        call = self.ledger.archive_group if archive else self.ledger.unarchive_group
        self._attempt(call, GROUP)

    @invariant()
    def balances_sum_to_zero_and_verify_is_clean(self) -> None:
        totals: dict[str, int] = {}
        for b in self.ledger.balances(GROUP).balances:
            totals[b.currency] = totals.get(b.currency, 0) + b.minor
        assert all(v == 0 for v in totals.values()), totals
        report = self.ledger.verify()
        assert report.ok, report.problems


def test_services_under_hostile_input(template: Path) -> None:
    LedgerMachine.template = template
    case = LedgerMachine.TestCase
    # 50 runs of 20 steps in CI; HYPOTHESIS_PROFILE=explore (or --hypothesis-profile)
    # raises the number of runs for a longer local search.
    runs = max(50, settings().max_examples // 10)
    case.settings = settings(max_examples=runs, stateful_step_count=20, deadline=None)
    case("runTest").runTest()
