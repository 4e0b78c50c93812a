"""The trust directory in the database once a staff list is imported.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

`staff_directory` holds one row: the version (one more per import, so every process notices
a change with one small read), the trust and the academies; `staff_person` the people.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "staff_directory",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("trust", _JSON, nullable=False),
        sa.Column("academies", _JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_directory"),
    )
    op.create_table(
        "staff_person",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("academy", sa.String(255), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("slack_id", sa.String(64), nullable=True),
        sa.Column("teams_id", sa.String(64), nullable=True),
        sa.Column("manager", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_person"),
    )


def downgrade() -> None:
    op.drop_table("staff_person")
    op.drop_table("staff_directory")
