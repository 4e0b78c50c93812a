"""Case ids (SMA-0001) are given on submission, not to drafts.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-06

`business_case.reference` is the number in the id; drafts have none. Cases already past the
draft keep the id they had (their number); `case_reference` holds the last reference given,
one row updated under a row lock, so two submissions at once never get the same id.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("business_case") as batch:
        batch.add_column(sa.Column("reference", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_business_case_reference", ["reference"])
    op.execute("UPDATE business_case SET reference = number WHERE status <> 'draft'")
    op.create_table(
        "case_reference",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO case_reference (id, last) "
        "SELECT 1, COALESCE(MAX(reference), 0) FROM business_case"
    )


def downgrade() -> None:
    op.drop_table("case_reference")
    with op.batch_alter_table("business_case") as batch:
        batch.drop_constraint("uq_business_case_reference", type_="unique")
        batch.drop_column("reference")
