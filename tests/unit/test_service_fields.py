"""The typed keyword arguments of the write use cases (ADR 0013) name exactly the
fields of the request models that validate them: a field added to one is added to the
other, or this fails."""

from __future__ import annotations

import pytest

from splitledger.services.inputs import (
    ExpenseFields,
    PaymentFields,
    RecordExpense,
    RecordPayment,
    Request,
)


@pytest.mark.parametrize(
    ("fields", "model"), [(ExpenseFields, RecordExpense), (PaymentFields, RecordPayment)]
)
def test_typed_fields_are_the_request_fields(fields: type, model: type[Request]) -> None:
    # The group and the key are parameters of their own.
    assert set(fields.__annotations__) | {"group", "key"} == set(model.model_fields)
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    # (postponed annotations: `Required[...]` is text here, as mypy reads it)
    marked = {name for name, hint in fields.__annotations__.items() if "Required[" in str(hint)}
    assert marked | {"group"} == required
