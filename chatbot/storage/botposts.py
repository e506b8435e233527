"""The bot's own posts: recorded as intended before sending, then marked sent or failed.

Writing the intent first is what makes posting crash-safe: after a restart the
publisher (``chatbot.hosting.publisher``) finds the intended row and looks for
the post on X before it would ever post twice. Posts are named by their
occurrence and key ("q3", "closing"), never by a row id.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from chatbot.domain.network import Network
from chatbot.domain.occurrence import BotPost, PostState
from chatbot.storage import tables
from chatbot.storage.base import StoreBase


class BotPostStore(StoreBase):
    """Keeps each of the bot's posts per occurrence under a stable key."""

    def intend_post(
        self,
        *,
        occurrence_id: int,
        key: str,
        text: str,
        now: datetime,
        reply_to_post_id: int | None = None,
        media_path: str | None = None,
        network: Network = Network.X,
        native_id: str | None = None,
    ) -> tuple[BotPost, bool]:
        """Record a post as intended before it is sent; an existing key is returned as is.

        The flag says whether this call recorded the intent (True) or found one already
        there, perhaps left by a process that died mid-send (False). ``native_id`` is an
        id chosen before sending, where the network lets the sender choose (Bluesky).
        """
        with self._session() as s:
            found = _find(s, occurrence_id, key, network)
            if found:
                return _post(found), False
            row = tables.BotPost(
                occurrence_id=occurrence_id,
                key=key,
                text=text,
                reply_to_post_id=reply_to_post_id,
                media_path=media_path,
                intended_at=now,
                network=network,
                native_id=native_id,
            )
            s.add(row)
            s.commit()
            return _post(row), True

    def mark_sent(
        self,
        occurrence_id: int,
        key: str,
        *,
        x_post_id: int,
        now: datetime,
        network: Network = Network.X,
        native_id: str | None = None,
        url: str | None = None,
    ) -> None:
        """Record that an intended post is on its network with this (stored) id."""
        fields: dict[str, object] = {"state": PostState.SENT, "x_post_id": x_post_id}
        fields |= {"sent_at": now}
        if native_id is not None:
            fields["native_id"] = native_id
        if url is not None:
            fields["url"] = url
        self._update(occurrence_id, key, network, **fields)

    def mark_failed(
        self, occurrence_id: int, key: str, *, error: str, network: Network = Network.X
    ) -> None:
        """Record that a post could not be made (kept for moderators to see)."""
        self._update(occurrence_id, key, network, state=PostState.FAILED, error=error)

    def _update(self, occurrence_id: int, key: str, network: Network, **fields: object) -> None:
        with self._session() as s:
            row = _find(s, occurrence_id, key, network)
            if row is None:
                raise KeyError(f"occurrence {occurrence_id} has no {network} post {key!r}")
            for name, value in fields.items():
                setattr(row, name, value)
            s.add(row)
            s.commit()

    def bot_posts(self, occurrence_id: int, network: Network | None = Network.X) -> list[BotPost]:
        """Return the bot's posts for an occurrence on one network (all networks with
        ``None``) in the order they were intended."""
        with self._session() as s:
            query = select(tables.BotPost).where(tables.BotPost.occurrence_id == occurrence_id)
            if network is not None:
                query = query.where(tables.BotPost.network == network)
            return [_post(row) for row in s.exec(query.order_by(col(tables.BotPost.id)))]

    def bot_post(
        self, occurrence_id: int, key: str, network: Network = Network.X
    ) -> BotPost | None:
        """Return one of the bot's posts by its key on one network."""
        with self._session() as s:
            row = _find(s, occurrence_id, key, network)
            return _post(row) if row else None


def _find(s: Session, occurrence_id: int, key: str, network: Network) -> tables.BotPost | None:
    query = select(tables.BotPost).where(
        tables.BotPost.occurrence_id == occurrence_id,
        tables.BotPost.network == network,
        tables.BotPost.key == key,
    )
    return s.exec(query).first()


def _post(row: tables.BotPost) -> BotPost:
    return BotPost(
        occurrence_id=row.occurrence_id,
        key=row.key,
        text=row.text,
        intended_at=row.intended_at,
        state=PostState(row.state),
        reply_to_post_id=row.reply_to_post_id,
        media_path=row.media_path,
        x_post_id=row.x_post_id,
        sent_at=row.sent_at,
        error=row.error,
        network=Network(row.network),
        native_id=row.native_id,
        url=row.url,
    )
