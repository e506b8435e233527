"""collected at: when an occurrence was read to the end of its collection window

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import chatbot.storage.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# A nullable column is added and dropped in place (SQLite 3.35+ drops columns itself), not
# by batch mode's table copy: other tables' foreign keys point at occurrence.


def upgrade() -> None:
    op.add_column(
        "occurrence",
        sa.Column("collected_at", chatbot.storage.tables.UTCDateTime(), nullable=True),
    )
    # Chats that ended before this release stopped collecting at the window's end.
    op.execute(
        "UPDATE occurrence SET collected_at = COALESCE(collect_until, ended_at) "
        "WHERE state = 'ended'"
    )


def downgrade() -> None:
    op.drop_column("occurrence", "collected_at")
