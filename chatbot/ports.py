"""The narrow seams between the chat core and the outside world.

The core depends on these protocols only; adapters in ``chatbot.x``,
``chatbot.discord_adapter`` and ``chatbot.storage`` implement them, and
``chatbot.app`` wires the real ones together.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from chatbot.domain.answers import Assignment, Correction, FoundPost
from chatbot.domain.cost import Usage
from chatbot.domain.flow import Flow
from chatbot.domain.network import Author, NetPost, Network, PostRef
from chatbot.domain.occurrence import (
    BotPost,
    Occurrence,
    OccurrenceState,
    RecapState,
    ScheduleOverride,
)
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


class NetError(Exception):
    """Base of every failure an outlet (Bluesky, Mastodon) reports to hosting."""


class NetUnavailableError(NetError):
    """The network could not be reached or kept failing: the post may or may not have been
    made; try again later (the same intent, so it cannot be made twice)."""


class NetRateLimitedError(NetUnavailableError):
    """The network's limit is spent until ``reset_at`` (None: it did not say)."""

    def __init__(self, message: str, *, reset_at: datetime | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class NetAuthError(NetError):
    """The network refused our credentials: nothing is made until they are fixed."""


class NetRefusedError(NetError):
    """The network refused this post for good (too long, invalid): sending again is no use."""


class Outlet(Protocol):
    """What hosting needs from a network other than X that a chat is hosted on: the host
    account, posting exactly once, and reading the chat's hashtag."""

    network: Network

    async def connect(self) -> Author:
        """Log in (or check the token); return the host account on this network."""
        ...

    def planned_id(self, moment: datetime) -> str | None:
        """The id a new post will have, chosen before sending where the network lets the
        sender choose (Bluesky: an at:// URI with a fresh record key); None elsewhere."""
        ...

    async def send(
        self, text: str, *, reply_to: PostRef | None, planned_id: str | None, key: str
    ) -> PostRef:
        """Make the post exactly once: the same ``planned_id`` or ``key`` (Mastodon's
        Idempotency-Key) sent again returns the post made the first time."""
        ...

    async def find(self, *, planned_id: str | None, key: str) -> PostRef | None:
        """The post already made for this intent, when the network can tell (None: not
        made, or the network cannot say without posting)."""
        ...

    async def missed(self, hashtag: str, *, since: datetime) -> list[NetPost]:
        """Every post carrying ``hashtag`` made since ``since`` that the network can still
        list (its search or tag timeline), oldest first: what a restart or an outage
        missed. NetError when it cannot be read now."""
        ...

    def live(self, hashtag: str, *, since: datetime) -> AsyncIterator[NetPost]:
        """The posts carrying ``hashtag`` as they are made, from about now (at most back to
        ``since``), reconnecting by itself, until ``stop``; a post may come twice."""
        ...

    async def stop(self) -> None:
        """End every ``live`` iteration under way."""
        ...


class XMeter(Protocol):
    """What the X adapter reports as it works; it counts, the host bills and prices."""

    def record_request(self) -> None:
        """One HTTP request was made (retries included)."""
        ...

    def record_read(self, post_ids: Iterable[int], *, at: datetime) -> None:
        """A response returned these posts at ``at``."""
        ...

    def record_created(self, *, with_url: bool) -> None:
        """One post was published (``with_url``: X prices it as a post with a link)."""
        ...


class Clock(Protocol):
    """Time as the core sees it: real in production, fake or accelerated elsewhere."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class ChatStore(Protocol):
    """The database as the hosting core sees it: domain values in and out, never blocking
    the event loop. Each write sets only the columns it is about."""

    # -- occurrences -------------------------------------------------------------
    async def get_or_create_occurrence(
        self,
        *,
        chat_slug: str,
        local_date: str,
        hashtag: str,
        question_set: str,
        scheduled_start: datetime,
    ) -> Occurrence:
        """Return the chat's occurrence on that local date, creating it once."""
        ...

    async def get_occurrence(self, occurrence_id: int) -> Occurrence | None:
        """Return one occurrence by id."""
        ...

    async def find_occurrence(self, chat_slug: str, local_date: str) -> Occurrence | None:
        """Return the chat's occurrence on a local date, if any."""
        ...

    async def latest_occurrence(
        self, chat_slug: str, *, states: Sequence[OccurrenceState] = ()
    ) -> Occurrence | None:
        """Return the chat's most recent occurrence (optionally only in ``states``)."""
        ...

    async def live_occurrences(self) -> list[Occurrence]:
        """Return the running or paused occurrences: the ones to resume."""
        ...

    async def collecting_occurrences(self) -> list[Occurrence]:
        """Return ended occurrences not yet read to the end of their collection window."""
        ...

    async def open_occurrence(self, occurrence_id: int, *, flow: Flow, at: datetime) -> Occurrence:
        """A chat starts: store its planned flow (``flow.start`` is its start), running."""
        ...

    async def save_flow(self, occurrence_id: int, flow: Flow) -> None:
        """Keep where a running or paused chat stands."""
        ...

    async def end_occurrence(
        self, occurrence_id: int, *, flow: Flow, ended_at: datetime, collect_until: datetime
    ) -> None:
        """The closing post is out: ended, collecting until ``collect_until``."""
        ...

    async def finish_collection(self, occurrence_id: int, *, at: datetime) -> None:
        """Every post made before the collection window's end has been read."""
        ...

    async def skip_occurrence(self, occurrence_id: int) -> None:
        """A moderator skipped this date."""
        ...

    async def set_recap_state(self, occurrence_id: int, state: RecapState) -> None:
        """Move an occurrence's recap along."""
        ...

    # -- the bot's own posts -------------------------------------------------------
    async def intend_post(
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
        """Record a post on ``network`` before sending it; True when this call recorded it,
        False when an earlier one had (which may have sent it). ``native_id``: the post's
        own id chosen before sending (Bluesky)."""
        ...

    async def mark_sent(
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
        """Record that an intended post is on its network (``x_post_id``: its stored id)."""
        ...

    async def mark_failed(
        self, occurrence_id: int, key: str, *, error: str, network: Network = Network.X
    ) -> None:
        """Record that the network will never take a post (or its moment passed)."""
        ...

    async def bot_posts(
        self, occurrence_id: int, network: Network | None = Network.X
    ) -> list[BotPost]:
        """Return the bot's posts for an occurrence on one network (None: all), in the
        order they were intended."""
        ...

    async def bot_post(
        self, occurrence_id: int, key: str, network: Network = Network.X
    ) -> BotPost | None:
        """Return one of the bot's posts by its key on one network."""
        ...

    # -- collected posts -------------------------------------------------------------
    async def unseen(self, posts: Sequence[XPost]) -> list[XPost]:
        """Return the posts not stored yet."""
        ...

    async def record_collection(
        self,
        *,
        occurrence_id: int,
        posts: Sequence[XPost],
        answers: Sequence[Assignment],
        since_id: int | None,
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        """Store at once the posts and answers not stored yet and a higher since_id (a page
        of a pass, or its end); return the posts that were new."""
        ...

    async def posts_above(self, occurrence_id: int, since_id: int | None) -> list[XPost]:
        """Return the posts stored above ``since_id``, oldest first: a pass left unfinished."""
        ...

    async def answers(self, occurrence_id: int) -> list[Assignment]:
        """Return an occurrence's answer assignments."""
        ...

    async def count_collected(self, occurrence_id: int) -> tuple[int, int]:
        """Return (participants' posts, distinct participants) of an occurrence."""
        ...

    async def collected_post_ids(self, occurrence_id: int) -> list[int]:
        """Return the ids of every post collected for an occurrence."""
        ...

    async def update_metrics(self, posts: Sequence[XPost]) -> int:
        """Store fresh public metrics of stored posts; return how many were updated."""
        ...

    async def find_collected(self, post_id: int) -> FoundPost | None:
        """Return a collected post with its occurrence (None: not collected)."""
        ...

    async def post_id_at(self, address: str) -> int | None:
        """The stored id of the collected post of another network at ``address``."""
        ...

    async def correct_answer(self, occurrence_id: int, correction: Assignment) -> Correction:
        """Store a moderator's correction of one post's answer (method ``moderator``); the
        replies that inherited its question follow it. Every later write keeps it."""
        ...

    # -- moderators' choices -------------------------------------------------------------
    async def hidden_usernames(self, chat_slug: str) -> set[str]:
        """Return the lower-case handles hidden from a chat."""
        ...

    async def hide_user(self, *, chat_slug: str, username: str, by: str, now: datetime) -> bool:
        """Hide a participant from a chat; False when already hidden."""
        ...

    async def unhide_user(self, *, chat_slug: str, username: str) -> bool:
        """Show a participant again; False when they were not hidden."""
        ...

    async def schedule_state(self, chat_slug: str) -> ScheduleOverride:
        """Return moderators' overrides of a chat's schedule."""
        ...

    async def save_schedule_state(self, override: ScheduleOverride) -> None:
        """Keep moderators' overrides of a chat's schedule."""
        ...

    # -- what X cost -------------------------------------------------------------------
    async def add_usage(
        self, occurrence_id: int, usage: Usage, *, reads: Collection[tuple[int, date]] = ()
    ) -> Usage:
        """Add X usage to an occurrence's totals, billing each of ``reads`` (post id, UTC
        day) that X had not billed yet as one more read; return what was added."""
        ...

    async def usage(self, occurrence_id: int) -> Usage:
        """Return an occurrence's X usage so far."""
        ...

    async def close(self) -> None:
        """Finish the writes in flight (a chat cancelled mid-write is saved as it stood)."""
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
        self, *, occurrence_id: int, number: int, text: str, url: str, network: Network = Network.X
    ) -> None:
        """Say in the question's thread that the question went out on ``network``."""
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
    async def assign(self, post: str, question: str) -> ControlResult:
        """Put a collected post (a status link or id) on ``question`` ("0"/"none": on none)."""
        ...

    async def recap_preview(self, slug: str) -> RecapPreview | ControlResult: ...
    async def recap_publish(self, slug: str) -> ControlResult: ...
    async def recap_series(self, slug: str) -> ControlResult: ...
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
