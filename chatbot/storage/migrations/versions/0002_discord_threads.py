"""discord threads: the announcement and thread ids of each occurrence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discordthread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("question_number", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("announcement_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.ForeignKeyConstraint(["occurrence_id"], ["occurrence.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("occurrence_id", "question_number", name="uq_discord_thread"),
    )
    op.create_index(
        "ix_discordthread_occurrence_id", "discordthread", ["occurrence_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_discordthread_occurrence_id", table_name="discordthread")
    op.drop_table("discordthread")
