"""An occurrence of a chat and what the bot keeps about it, as the store hands them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chatbot.domain.flow import Flow
from chatbot.domain.network import Network


class OccurrenceState(StrEnum):
    """Where one dated chat stands: not started, live, over, skipped by a moderator, or
    imported (read from X by ``chatbot transcript``: never hosted, recapped or published)."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"
    SKIPPED = "skipped"
    IMPORTED = "imported"


LIVE_STATES = (OccurrenceState.RUNNING, OccurrenceState.PAUSED)
HELD_STATES = (*LIVE_STATES, OccurrenceState.ENDED)  # the chat ran: it has a recap


class RecapState(StrEnum):
    """none -> draft -> awaiting_approval (if required) -> approved -> published."""

    NONE = "none"
    DRAFT = "draft"
    AWAITING = "awaiting_approval"
    APPROVED = "approved"
    PUBLISHED = "published"


class PostState(StrEnum):
    """One of the bot's posts: recorded before sending, then sent or refused for good."""

    INTENDED = "intended"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated instance of a recurring chat; ``flow`` is None until it starts."""

    id: int
    chat_slug: str
    local_date: str  # YYYY-MM-DD in the chat's own zone: one occurrence a day
    hashtag: str
    scheduled_start: datetime
    state: OccurrenceState = OccurrenceState.SCHEDULED
    started_at: datetime | None = None
    ended_at: datetime | None = None
    collect_until: datetime | None = None
    collected_at: datetime | None = None  # when every post made before collect_until was read
    flow: Flow | None = None
    since_id: int | None = None
    recap_state: RecapState = RecapState.NONE


@dataclass(frozen=True, slots=True)
class BotPost:
    """A post the bot means to make, under a key unique in its occurrence ("q3", "closing")."""

    occurrence_id: int
    key: str
    text: str
    intended_at: datetime
    state: PostState = PostState.INTENDED
    reply_to_post_id: int | None = None
    media_path: str | None = None
    x_post_id: int | None = None  # the post's stored id (see domain.network.stored_id)
    sent_at: datetime | None = None
    error: str | None = None
    network: Network = Network.X
    native_id: str | None = None  # the network's own id: a Bluesky at:// URI, a Mastodon id
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduleOverride:
    """Moderators' overrides of a recurring chat: paused, or one local date skipped."""

    chat_slug: str
    paused: bool = False
    skip_date: str | None = None
