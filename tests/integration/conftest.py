"""Fixtures for more than one module of tests/integration."""

from __future__ import annotations

import pytest

from splitledger.services.ledger import Ledger
from tests.integration.recurring_bills import TODAY


@pytest.fixture
def flat(trip: Ledger) -> Ledger:
    """The Trip group (ann, bob, cy) with the schedules taking TODAY for today (the
    recurring-bill tests; a module's own `flat` takes precedence)."""
    trip.today_override = TODAY
    return trip
