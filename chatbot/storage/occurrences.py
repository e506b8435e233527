"""Occurrences (one dated instance of a chat and where its flow stands) and their X usage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select

from chatbot.storage.base import StoreBase
from chatbot.storage.tables import Occurrence, XUsage

LIVE_STATES = ("running", "paused")


class OccurrenceStore(StoreBase):
    """Finds, creates and updates occurrences; keeps each one's X usage totals."""

    def occurrences(self, chat_slug: str | None = None, *, limit: int = 100) -> list[Occurrence]:
        """Past and current occurrences (of one chat, or all), newest first."""
        with self._session() as s:
            query = select(Occurrence).where(col(Occurrence.state) != "scheduled")
            if chat_slug:
                query = query.where(Occurrence.chat_slug == chat_slug)
            order = col(Occurrence.scheduled_start).desc()
            return list(s.exec(query.order_by(order).limit(limit)))

    def get_or_create_occurrence(
        self,
        *,
        chat_slug: str,
        local_date: str,
        hashtag: str,
        question_set: str,
        scheduled_start: datetime,
    ) -> Occurrence:
        """Return the chat's occurrence for that local date, creating it once."""
        with self._session() as s:
            found = s.exec(
                select(Occurrence).where(
                    Occurrence.chat_slug == chat_slug, Occurrence.local_date == local_date
                )
            ).first()
            if found:
                return found
            occ = Occurrence(
                chat_slug=chat_slug,
                local_date=local_date,
                hashtag=hashtag,
                question_set=question_set,
                scheduled_start=scheduled_start,
            )
            s.add(occ)
            s.commit()
            return occ

    def get_occurrence(self, occurrence_id: int) -> Occurrence | None:
        """Return one occurrence by id."""
        with self._session() as s:
            return s.get(Occurrence, occurrence_id)

    def find_occurrence(self, chat_slug: str, local_date: str) -> Occurrence | None:
        """Return the chat's occurrence on a local date, if any."""
        with self._session() as s:
            return s.exec(
                select(Occurrence).where(
                    Occurrence.chat_slug == chat_slug, Occurrence.local_date == local_date
                )
            ).first()

    def latest_occurrence(self, chat_slug: str, *, states: Sequence[str] = ()) -> Occurrence | None:
        """Return the chat's most recent occurrence (optionally only in ``states``)."""
        with self._session() as s:
            query = select(Occurrence).where(Occurrence.chat_slug == chat_slug)
            if states:
                query = query.where(col(Occurrence.state).in_(states))
            return s.exec(query.order_by(col(Occurrence.scheduled_start).desc())).first()

    def live_occurrences(self) -> list[Occurrence]:
        """Return the occurrences that were running or paused: the ones to resume."""
        with self._session() as s:
            query = select(Occurrence).where(col(Occurrence.state).in_(LIVE_STATES))
            return list(s.exec(query.order_by(col(Occurrence.scheduled_start))))

    def collecting_occurrences(self, now: datetime) -> list[Occurrence]:
        """Return ended occurrences whose grace period for collection is still open."""
        with self._session() as s:
            query = select(Occurrence).where(
                Occurrence.state == "ended", col(Occurrence.collect_until) > now
            )
            return list(s.exec(query))

    def update_occurrence(self, occurrence_id: int, **fields: object) -> Occurrence:
        """Set fields of one occurrence and return it."""
        with self._session() as s:
            occ = s.get(Occurrence, occurrence_id)
            if occ is None:
                raise KeyError(f"no occurrence {occurrence_id}")
            for name, value in fields.items():
                setattr(occ, name, value)
            s.add(occ)
            s.commit()
            return occ

    # -- what an occurrence cost on X ------------------------------------------
    def add_usage(
        self,
        occurrence_id: int,
        *,
        requests: int = 0,
        posts_read: int = 0,
        posts_created: int = 0,
        posts_with_url: int = 0,
    ) -> XUsage:
        """Add X usage to an occurrence's running totals."""
        with self._session() as s:
            usage = s.get(XUsage, occurrence_id) or XUsage(occurrence_id=occurrence_id)
            usage.requests += requests
            usage.posts_read += posts_read
            usage.posts_created += posts_created
            usage.posts_with_url += posts_with_url
            s.add(usage)
            s.commit()
            return usage

    def usage(self, occurrence_id: int) -> XUsage:
        """Return an occurrence's X usage (zeros when none was recorded)."""
        with self._session() as s:
            return s.get(XUsage, occurrence_id) or XUsage(occurrence_id=occurrence_id)
