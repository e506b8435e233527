"""The bot's own posts: recorded as intended before sending, then marked sent or failed.

Writing the intent first is what makes posting crash-safe: after a restart the
publisher (``chatbot.hosting.publisher``) finds the intended row and looks for
the post on X before it would ever post twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from chatbot.storage.base import StoreBase
from chatbot.storage.tables import BotPost


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
            found = s.exec(
                select(BotPost).where(BotPost.occurrence_id == occurrence_id, BotPost.key == key)
            ).first()
            if found:
                return found, False
            post = BotPost(
                occurrence_id=occurrence_id,
                key=key,
                text=text,
                reply_to_post_id=reply_to_post_id,
                media_path=media_path,
                intended_at=now,
            )
            s.add(post)
            s.commit()
            return post, True

    def mark_sent(self, post_id: int, *, x_post_id: int, now: datetime) -> BotPost:
        """Record that an intended post is on X with this id."""
        return self._update_post(post_id, state="sent", x_post_id=x_post_id, sent_at=now)

    def mark_failed(self, post_id: int, *, error: str) -> BotPost:
        """Record that a post could not be made (kept for moderators to see)."""
        return self._update_post(post_id, state="failed", error=error)

    def _update_post(self, post_id: int, **fields: object) -> BotPost:
        with self._session() as s:
            post = s.get(BotPost, post_id)
            if post is None:
                raise KeyError(f"no bot post {post_id}")
            for name, value in fields.items():
                setattr(post, name, value)
            s.add(post)
            s.commit()
            return post

    def bot_posts(self, occurrence_id: int) -> list[BotPost]:
        """Return the bot's posts for an occurrence in the order they were intended."""
        with self._session() as s:
            query = select(BotPost).where(BotPost.occurrence_id == occurrence_id)
            return list(s.exec(query.order_by(col(BotPost.id))))

    def bot_post(self, occurrence_id: int, key: str) -> BotPost | None:
        """Return one of the bot's posts by its key."""
        with self._session() as s:
            return s.exec(
                select(BotPost).where(BotPost.occurrence_id == occurrence_id, BotPost.key == key)
            ).first()
