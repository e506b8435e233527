"""The bot's own posts: recorded as intended before sending, then marked sent or failed.

Writing the intent first is what makes posting crash-safe: after a restart the
publisher (``chatbot.hosting.publisher``) finds the intended row and looks for
the post on X before it would ever post twice. Posts are named by their
occurrence and key ("q3", "closing"), never by a row id.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

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
    ) -> tuple[BotPost, bool]:
        """Record a post as intended before it is sent; an existing key is returned as is.

        The flag says whether this call recorded the intent (True) or found one already
        there, perhaps left by a process that died mid-send (False).
        """
        with self._session() as s:
            found = _find(s, occurrence_id, key)
            if found:
                return _post(found), False
            row = tables.BotPost(
                occurrence_id=occurrence_id,
                key=key,
                text=text,
                reply_to_post_id=reply_to_post_id,
                media_path=media_path,
                intended_at=now,
            )
            s.add(row)
            s.commit()
            return _post(row), True

    def mark_sent(self, occurrence_id: int, key: str, *, x_post_id: int, now: datetime) -> None:
        """Record that an intended post is on X with this id."""
        self._update(occurrence_id, key, state=PostState.SENT, x_post_id=x_post_id, sent_at=now)

    def mark_failed(self, occurrence_id: int, key: str, *, error: str) -> None:
        """Record that a post could not be made (kept for moderators to see)."""
        self._update(occurrence_id, key, state=PostState.FAILED, error=error)

    def _update(self, occurrence_id: int, key: str, **fields: object) -> None:
        with self._session() as s:
            row = _find(s, occurrence_id, key)
            if row is None:
                raise KeyError(f"occurrence {occurrence_id} has no post {key!r}")
            for name, value in fields.items():
                setattr(row, name, value)
            s.add(row)
            s.commit()

    def bot_posts(self, occurrence_id: int) -> list[BotPost]:
        """Return the bot's posts for an occurrence in the order they were intended."""
        with self._session() as s:
            query = select(tables.BotPost).where(tables.BotPost.occurrence_id == occurrence_id)
            return [_post(row) for row in s.exec(query.order_by(col(tables.BotPost.id)))]

    def bot_post(self, occurrence_id: int, key: str) -> BotPost | None:
        """Return one of the bot's posts by its key."""
        with self._session() as s:
            row = _find(s, occurrence_id, key)
            return _post(row) if row else None


def _find(s: Session, occurrence_id: int, key: str) -> tables.BotPost | None:
    query = select(tables.BotPost).where(
        tables.BotPost.occurrence_id == occurrence_id, tables.BotPost.key == key
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
    )
