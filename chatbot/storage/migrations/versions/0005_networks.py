"""networks: posts, bot posts and participants of Bluesky and Mastodon beside X's

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_NETWORK = {"server_default": "x", "nullable": False}


def upgrade() -> None:
    for table in ("collectedpost", "participant"):
        op.add_column(table, sa.Column("network", sqlmodel.sql.sqltypes.AutoString(), **_NETWORK))
    for column in ("native_id", "url"):
        op.add_column("collectedpost", sa.Column(column, sa.Text(), nullable=True))
    # The bot's posts are named per network now: q1 on X and q1 on Bluesky are two posts.
    # SQLite changes a unique constraint by copying the table (nothing points at it).
    with op.batch_alter_table("botpost") as batch:
        batch.add_column(sa.Column("network", sqlmodel.sql.sqltypes.AutoString(), **_NETWORK))
        batch.add_column(sa.Column("native_id", sa.Text(), nullable=True))
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch.drop_constraint("uq_bot_post_key", type_="unique")
        batch.create_unique_constraint(
            "uq_bot_post_network_key", ["occurrence_id", "network", "key"]
        )


def downgrade() -> None:
    # Other networks' rows have no place in the older schema: they go, X's stay.
    op.execute("DELETE FROM botpost WHERE network <> 'x'")
    op.execute(
        "DELETE FROM answer WHERE post_id IN (SELECT id FROM collectedpost WHERE network <> 'x')"
    )
    op.execute("DELETE FROM collectedpost WHERE network <> 'x'")
    op.execute("DELETE FROM participant WHERE network <> 'x'")
    with op.batch_alter_table("botpost") as batch:
        batch.drop_constraint("uq_bot_post_network_key", type_="unique")
        batch.create_unique_constraint("uq_bot_post_key", ["occurrence_id", "key"])
        for column in ("url", "native_id", "network"):
            batch.drop_column(column)
    for column in ("url", "native_id", "network"):
        op.drop_column("collectedpost", column)
    op.drop_column("participant", "network")
