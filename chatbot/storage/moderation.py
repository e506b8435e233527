"""What moderators decide: hidden participants, schedule overrides and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from chatbot.domain.commands import clean_handle
from chatbot.domain.occurrence import ScheduleOverride
from chatbot.storage.base import StoreBase
from chatbot.storage.tables import HiddenUser, ModeratorAction, ScheduleState


class ModerationStore(StoreBase):
    """Keeps moderators' choices per chat and every command they gave."""

    # -- hidden users ----------------------------------------------------------
    def hide_user(self, *, chat_slug: str, username: str, by: str, now: datetime) -> bool:
        """Hide a participant from a chat; False when already hidden."""
        name = clean_handle(username).lower()
        with self._session() as s:
            query = select(HiddenUser).where(
                HiddenUser.chat_slug == chat_slug, HiddenUser.username == name
            )
            if s.exec(query).first():
                return False
            s.add(HiddenUser(chat_slug=chat_slug, username=name, hidden_by=by, hidden_at=now))
            s.commit()
            return True

    def unhide_user(self, *, chat_slug: str, username: str) -> bool:
        """Show a hidden participant again; False when they were not hidden."""
        name = clean_handle(username).lower()
        with self._session() as s:
            query = select(HiddenUser).where(
                HiddenUser.chat_slug == chat_slug, HiddenUser.username == name
            )
            row = s.exec(query).first()
            if row is None:
                return False
            s.delete(row)
            s.commit()
            return True

    def hidden_usernames(self, chat_slug: str) -> set[str]:
        """Return the lower-case handles hidden from a chat."""
        with self._session() as s:
            query = select(HiddenUser.username).where(HiddenUser.chat_slug == chat_slug)
            return set(s.exec(query))

    # -- schedule overrides ----------------------------------------------------
    def schedule_state(self, chat_slug: str) -> ScheduleOverride:
        """Return moderators' overrides for a chat (defaults when none)."""
        with self._session() as s:
            row = s.get(ScheduleState, chat_slug)
        if row is None:
            return ScheduleOverride(chat_slug)
        return ScheduleOverride(row.chat_slug, paused=row.paused, skip_date=row.skip_date)

    def save_schedule_state(self, override: ScheduleOverride) -> None:
        """Keep moderators' overrides for a chat."""
        with self._session() as s:
            row = s.get(ScheduleState, override.chat_slug) or ScheduleState(
                chat_slug=override.chat_slug
            )
            row.paused, row.skip_date = override.paused, override.skip_date
            s.add(row)
            s.commit()

    # -- audit trail -----------------------------------------------------------
    def record_action(
        self,
        *,
        at: datetime,
        actor_id: int,
        actor_name: str,
        command: str,
        arguments: str,
        allowed: bool,
        result: str,
    ) -> None:
        """Append a moderator command to the audit trail."""
        with self._session() as s:
            s.add(
                ModeratorAction(
                    at=at,
                    actor_id=actor_id,
                    actor_name=actor_name,
                    command=command,
                    arguments=arguments,
                    allowed=allowed,
                    result=result,
                )
            )
            s.commit()

    def actions(self, limit: int = 100) -> list[ModeratorAction]:
        """Return the newest audit entries first."""
        with self._session() as s:
            query = select(ModeratorAction).order_by(col(ModeratorAction.id).desc()).limit(limit)
            return list(s.exec(query))
