"""The narrow seams between the chat core and the outside world.

The core depends on these protocols only; adapters in ``chatbot.x``,
``chatbot.discord_adapter`` and ``chatbot.storage`` implement them, and
``chatbot.app`` wires the real ones together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from chatbot.domain.posts import SearchBatch, XPost, XUser
from chatbot.domain.views import (
    ControlResult,
    HostStatus,
    MirroredAnswer,
    RecapPreview,
    UpcomingChat,
)


class XError(Exception):
    """Base of every failure the X adapter reports."""


class XAuthError(XError):
    """X refused our credentials (401): posting must stop and moderators be told."""


class XDuplicateError(XError):
    """X refused a post as duplicate content (403) and no earlier copy was found."""


class XUnavailableError(XError):
    """X could not be reached or kept failing after bounded retries."""


class XForbiddenError(XError):
    """X refused the request (403) for a reason other than duplicate content."""


class XWritePermissionError(XAuthError):
    """The access token may read but not post (403 oauth1-permissions): it was made before
    the app had Read and write permission. Posting must stop until it is regenerated."""


class XCreditsExhaustedError(XError):
    """X answered 402: the pay-per-use account has no credits left. Nothing works until
    someone adds credits; retrying only repeats the refusal, so alert once and stop."""


class XRateLimitedError(XUnavailableError):
    """X's rate limit is spent until ``reset_at`` (None: X did not say). The adapter raises
    it at once when the reset is further away than it may wait (a 24-hour post limit is
    hours away), so the caller can plan around ``reset_at`` instead of retrying."""

    def __init__(self, message: str, *, reset_at: datetime | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class XClient(Protocol):
    """What the bot needs from X."""

    async def me(self) -> XUser:
        """Return the account the credentials belong to."""
        ...

    async def create_post(
        self,
        text: str,
        *,
        reply_to: int | None = None,
        media_path: Path | None = None,
    ) -> int:
        """Publish a post and return its id; a duplicate resolves to the earlier post's id."""
        ...

    async def search_recent(
        self,
        query: str,
        *,
        since_id: int | None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        until_id: int | None = None,
    ) -> SearchBatch:
        """Return every post matching ``query`` newer than ``since_id``, oldest first.

        ``until_id`` reads on below the oldest post of a pass that stopped early.
        """
        ...

    async def get_posts(self, ids: Sequence[int]) -> list[XPost]:
        """Look posts up by id (batched 100 a request), e.g. to refresh metrics."""
        ...

    async def find_own_post(self, text: str, *, since: datetime) -> int | None:
        """Return the id of the bot's own post with this text made since ``since``."""
        ...


class Clock(Protocol):
    """Time as the core sees it: real in production, fake or accelerated elsewhere."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class ModeratorChannel(Protocol):
    """What the core tells moderators (Discord in production); must never block a chat."""

    async def notify(self, text: str) -> None:
        """Post an operational message (chat started, X refused our token, recap ready…)."""
        ...

    async def chat_started(
        self,
        *,
        occurrence_id: int,
        slug: str,
        title: str,
        hashtag: str,
        questions: Sequence[tuple[int, str]],
    ) -> None:
        """Announce a chat and open one thread per question."""
        ...

    async def question_posted(
        self, *, occurrence_id: int, number: int, text: str, url: str
    ) -> None:
        """Say in the question's thread that the question went out on X."""
        ...

    async def mirror_answers(
        self, *, occurrence_id: int, answers: Sequence[MirroredAnswer]
    ) -> None:
        """Mirror newly collected answers into their question threads (batched)."""
        ...


class ChatControl(Protocol):
    """The host's commands, one method each; the Discord bot and the CLI call these."""

    def chat_slugs(self) -> list[str]:
        """Return the slugs of every known chat, for autocomplete."""
        ...

    async def status(self) -> HostStatus: ...
    async def start_now(self, slug: str) -> ControlResult: ...
    async def next_question(self, slug: str | None = None) -> ControlResult: ...
    async def pause(self, slug: str | None = None) -> ControlResult: ...
    async def resume(self, slug: str | None = None) -> ControlResult: ...
    async def skip(self, slug: str | None = None) -> ControlResult: ...
    async def extend(self, minutes: int, slug: str | None = None) -> ControlResult: ...
    async def ask(self, text: str, slug: str | None = None) -> ControlResult: ...
    async def end(self, slug: str | None = None) -> ControlResult: ...
    async def hide(self, handle: str, slug: str | None = None) -> ControlResult: ...
    async def unhide(self, handle: str, slug: str | None = None) -> ControlResult: ...
    async def recap_preview(self, slug: str) -> RecapPreview | ControlResult: ...
    async def recap_publish(self, slug: str) -> ControlResult: ...
    async def schedule_list(self) -> list[UpcomingChat]: ...
    async def schedule_skip_next(self, slug: str) -> ControlResult: ...
    async def schedule_pause(self, slug: str) -> ControlResult: ...
    async def schedule_resume(self, slug: str) -> ControlResult: ...


class AuditLog(Protocol):
    """Where every moderator command, allowed or refused, is written."""

    async def record(
        self,
        *,
        actor_id: int,
        actor_name: str,
        command: str,
        arguments: str,
        allowed: bool,
        result: str,
    ) -> None:
        """Append one entry to the audit trail."""
        ...
