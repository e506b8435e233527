"""Moderators' corrections of answers: the collected post one is about, and the rewrite.

A correction is stored in the ``answer`` table itself, as the post's only row with the
method ``moderator`` (question 0: not an answer), so the recap, the files and a
restarted collector read it like any answer. Who made it, and when, is in the audit
trail (``moderator_action``), written for every command, allowed or refused.
"""

from __future__ import annotations

from sqlmodel import col, or_, select

from chatbot.domain.answers import Assignment, Correction, FoundPost, apply_correction
from chatbot.storage.base import StoreBase
from chatbot.storage.collected import _answer_row, _assignment, stored_post
from chatbot.storage.tables import Answer, CollectedPost


class CorrectionStore(StoreBase):
    """Finds a collected post by id and applies a moderator's correction to its answers."""

    def find_collected(self, post_id: int) -> FoundPost | None:
        """Return a collected post with its occurrence (None: not collected)."""
        with self._session() as s:
            row = s.get(CollectedPost, post_id)
        if row is None:
            return None
        post = stored_post(row)
        return FoundPost(occurrence_id=row.occurrence_id, post=post, from_host=row.from_host)

    def post_id_at(self, address: str) -> int | None:
        """The stored id of the collected post of another network at ``address`` (the
        link its network shows, as the Discord feed gives it), or None."""
        with self._session() as s:
            query = select(CollectedPost.id).where(CollectedPost.url == address)
            return s.exec(query.limit(1)).first()

    def correct_answer(self, occurrence_id: int, correction: Assignment) -> Correction:
        """Store a moderator's correction in one transaction; the replies that inherited
        the post's question follow it (``apply_correction``)."""
        with self._session() as s:
            # Only inherited answers can follow: the rest of the chat need not be read.
            query = select(Answer).where(
                Answer.occurrence_id == occurrence_id,
                or_(Answer.post_id == correction.post_id, col(Answer.method) == "inherited"),
            )
            rows = list(s.exec(query))
            done = apply_correction((_assignment(r) for r in rows), correction)
            moved = {a.post_id for a in done.after}
            for row in rows:
                if row.post_id in moved:
                    s.delete(row)
            s.flush()  # the old rows go before the new ones take their (post, question) keys
            s.add_all(_answer_row(occurrence_id, a) for a in done.after)
            s.commit()
        return done
