"""counter log: counters opening, pausing and closing

Revision ID: 5b1f0c2d9a41
Revises: eb3ac6a6a3ca
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import junban.db

revision = "5b1f0c2d9a41"
down_revision = "eb3ac6a6a3ca"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", junban.db.UTCDateTime(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_counter_log_office_at", "counter_log", ["office_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_counter_log_office_at", table_name="counter_log")
    op.drop_table("counter_log")
