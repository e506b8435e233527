"""billed reads: the posts X billed us for reading, per UTC day, kept across restarts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: no ALTER, so SQLite needs no batch mode here.
    op.create_table(
        "billedread",
        sa.Column("post_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("billedread")
