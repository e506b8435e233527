"""Occurrences: one dated instance of a chat and where its flow stands.

Rows go out as ``chatbot.domain.occurrence.Occurrence`` values; each write sets only
the columns it names, so the runner (flow and state) and the collector
(``since_id``, in ``collected.py``) never overwrite each other's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from chatbot.domain.flow import Flow, FlowState
from chatbot.domain.occurrence import LIVE_STATES, Occurrence, OccurrenceState, RecapState
from chatbot.storage import tables
from chatbot.storage.base import StoreBase


class OccurrenceStore(StoreBase):
    """Finds, creates and updates occurrences."""

    def occurrences(self, chat_slug: str | None = None, *, limit: int = 100) -> list[Occurrence]:
        """Past and current occurrences (of one chat, or all), newest first."""
        query = select(tables.Occurrence).where(
            col(tables.Occurrence.state) != OccurrenceState.SCHEDULED
        )
        if chat_slug:
            query = query.where(tables.Occurrence.chat_slug == chat_slug)
        return self._occurrences(
            query.order_by(col(tables.Occurrence.scheduled_start).desc()).limit(limit)
        )

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
            found = s.exec(_on_day(chat_slug, local_date)).first()
            if found is None:
                found = tables.Occurrence(
                    chat_slug=chat_slug,
                    local_date=local_date,
                    hashtag=hashtag,
                    question_set=question_set,
                    scheduled_start=scheduled_start,
                )
                s.add(found)
                s.commit()
            return _occurrence(found)

    def get_occurrence(self, occurrence_id: int) -> Occurrence | None:
        """Return one occurrence by id."""
        with self._session() as s:
            row = s.get(tables.Occurrence, occurrence_id)
            return _occurrence(row) if row else None

    def find_occurrence(self, chat_slug: str, local_date: str) -> Occurrence | None:
        """Return the chat's occurrence on a local date, if any."""
        found = self._occurrences(_on_day(chat_slug, local_date))
        return found[0] if found else None

    def latest_occurrence(
        self, chat_slug: str, *, states: Sequence[OccurrenceState] = ()
    ) -> Occurrence | None:
        """Return the chat's most recent occurrence (optionally only in ``states``)."""
        query = select(tables.Occurrence).where(tables.Occurrence.chat_slug == chat_slug)
        if states:
            query = query.where(col(tables.Occurrence.state).in_(states))
        found = self._occurrences(
            query.order_by(col(tables.Occurrence.scheduled_start).desc()).limit(1)
        )
        return found[0] if found else None

    def live_occurrences(self) -> list[Occurrence]:
        """Return the occurrences that were running or paused: the ones to resume."""
        query = select(tables.Occurrence).where(col(tables.Occurrence.state).in_(LIVE_STATES))
        return self._occurrences(query.order_by(col(tables.Occurrence.scheduled_start)))

    def collecting_occurrences(self) -> list[Occurrence]:
        """Return ended occurrences not read to the end of their collection window yet:
        their window may be open, or it closed while the bot was away."""
        query = select(tables.Occurrence).where(
            tables.Occurrence.state == OccurrenceState.ENDED,
            col(tables.Occurrence.collected_at).is_(None),
        )
        return self._occurrences(query.order_by(col(tables.Occurrence.scheduled_start)))

    def _occurrences(self, query: SelectOfScalar[tables.Occurrence]) -> list[Occurrence]:
        with self._session() as s:
            return [_occurrence(row) for row in s.exec(query)]

    # -- the columns each part of the bot changes --------------------------------
    def open_occurrence(self, occurrence_id: int, *, flow: Flow, at: datetime) -> Occurrence:
        """A chat starts hosting: its planned flow, started now (``flow.start`` is its start)."""
        self._set(
            occurrence_id,
            state=OccurrenceState.RUNNING,
            started_at=at,
            scheduled_start=flow.start,
            flow=flow.to_json(),
        )
        found = self.get_occurrence(occurrence_id)
        assert found is not None  # just written
        return found

    def save_flow(self, occurrence_id: int, flow: Flow) -> None:
        """Keep where a running or paused chat stands, so a restart resumes there."""
        if flow.status == FlowState.ENDED:
            raise ValueError("an ended flow is saved by end_occurrence, with its window")
        self._set(occurrence_id, state=OccurrenceState(flow.status), flow=flow.to_json())

    def end_occurrence(
        self, occurrence_id: int, *, flow: Flow, ended_at: datetime, collect_until: datetime
    ) -> None:
        """The closing post is out: the chat has ended; collect until ``collect_until``."""
        self._set(
            occurrence_id,
            state=OccurrenceState.ENDED,
            flow=flow.to_json(),
            ended_at=ended_at,
            collect_until=collect_until,
        )

    def finish_collection(self, occurrence_id: int, *, at: datetime) -> None:
        """Every post made before the window's end has been read: the recap may be built."""
        self._set(occurrence_id, collected_at=at)

    def skip_occurrence(self, occurrence_id: int) -> None:
        """A moderator skipped this date: it is not hosted."""
        self._set(occurrence_id, state=OccurrenceState.SKIPPED)

    def mark_imported(
        self, occurrence_id: int, *, started_at: datetime, ended_at: datetime
    ) -> None:
        """A chat the bot did not host, read from X: kept, never hosted or published."""
        self._set(
            occurrence_id, state=OccurrenceState.IMPORTED, started_at=started_at, ended_at=ended_at
        )

    def set_recap_state(self, occurrence_id: int, state: RecapState) -> None:
        """Move an occurrence's recap along (draft, awaiting approval, approved, published)."""
        self._set(occurrence_id, recap_state=state)

    def _set(self, occurrence_id: int, **columns: object) -> None:
        # The UPDATE names only the columns changed here: other writers' columns are kept.
        with self._session() as s:
            row = s.get(tables.Occurrence, occurrence_id)
            if row is None:
                raise KeyError(f"no occurrence {occurrence_id}")
            for name, value in columns.items():
                setattr(row, name, value)
            s.add(row)
            s.commit()


def _on_day(chat_slug: str, local_date: str) -> SelectOfScalar[tables.Occurrence]:
    return select(tables.Occurrence).where(
        tables.Occurrence.chat_slug == chat_slug, tables.Occurrence.local_date == local_date
    )


def _occurrence(row: tables.Occurrence) -> Occurrence:
    assert row.id is not None  # rows read back or just committed have their id
    return Occurrence(
        id=row.id,
        chat_slug=row.chat_slug,
        local_date=row.local_date,
        hashtag=row.hashtag,
        scheduled_start=row.scheduled_start,
        state=OccurrenceState(row.state),
        started_at=row.started_at,
        ended_at=row.ended_at,
        collect_until=row.collect_until,
        collected_at=row.collected_at,
        flow=Flow.from_json(row.flow) if row.flow != "{}" else None,
        since_id=row.since_id,
        recap_state=RecapState(row.recap_state),
    )
