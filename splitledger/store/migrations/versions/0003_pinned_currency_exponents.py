"""Each currency's exponent is data: the `currencies` table (ADR 0002, amended 2026-11-30).

Until this revision the exponent of a currency (how many decimal places its stored
integers have) came from babel's copy of CLDR at run time and was stored nowhere. This
revision fixes, for every currency a ledger already uses (group currencies, postings,
maintained balances and spending, rates), the exponent that the code writing those
amounts used, so that no later table (CLDR or ISO 4217) can re-scale them. Currencies a
ledger first uses later are pinned at ISO 4217's minor units by the services.

`CLDR_EXPONENTS` is frozen history, not a live table: it is what
`babel.numbers.get_currency_precision` returned (babel 2.19.0, CLDR 49) for every code of
`babel.numbers.list_currencies()` whose digits are not 2, computed once when this
revision was written. Every other code the old code accepted had 2. Never edit it: a
ledger written before this revision holds amounts at exactly these scales.

The table is append-only, like the postings whose scale it fixes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from splitledger.store.append_only import add_triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: babel 2.19.0 (CLDR 49): the codes whose digits were not 2. Frozen; see above.
CLDR_EXPONENTS = {
    "ADP": 0, "AFN": 0, "ALL": 0, "BHD": 3, "BIF": 0, "BYR": 0, "CLF": 4, "CLP": 0,
    "COP": 0, "DJF": 0, "ESP": 0, "GNF": 0, "HUF": 0, "IDR": 0, "IQD": 0, "IRR": 0,
    "ISK": 0, "ITL": 0, "JOD": 3, "JPY": 0, "KMF": 0, "KPW": 0, "KRW": 0, "KWD": 3,
    "LAK": 0, "LBP": 0, "LUF": 0, "LYD": 3, "MGA": 0, "MGF": 0, "MMK": 0, "MRO": 0,
    "OMR": 3, "PYG": 0, "RWF": 0, "SLL": 0, "SOS": 0, "STD": 0, "SYP": 0, "TMM": 0,
    "TND": 3, "TRL": 0, "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0,
    "XOF": 0, "XPF": 0, "YER": 0, "ZMK": 0, "ZWD": 0,
}  # fmt: skip
CLDR_DEFAULT = 2

_USED = (
    "SELECT currency FROM groups UNION SELECT currency FROM postings "
    "UNION SELECT currency FROM balances UNION SELECT currency FROM spending "
    "UNION SELECT base FROM rates UNION SELECT quote FROM rates"
)


def upgrade() -> None:
    currencies = op.create_table(
        "currencies",
        sa.Column("code", sa.String(3), nullable=False),
        sa.Column("exponent", sa.Integer, nullable=False),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_currencies"),
        sa.CheckConstraint("exponent BETWEEN 0 AND 8", name="ck_currencies_exponent"),
    )
    used = sorted(str(code) for code in op.get_bind().execute(sa.text(_USED)).scalars())
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        currencies,
        [
            {"code": code, "exponent": CLDR_EXPONENTS.get(code, CLDR_DEFAULT), "pinned_at": now}
            for code in used
        ],
    )
    add_triggers("currencies")


def downgrade() -> None:
    raise NotImplementedError("the ledger is append-only; restore from a JSON export instead")
