"""SQLModel tables: the database is the bot's source of truth.

X and Discord ids are ~1.9e18 and need 64-bit columns (``BigInteger``);
every datetime is stored timezone-aware in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so values would come back naive; naive input is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _big(*, primary_key: bool = False, index: bool = False, nullable: bool = True) -> Column:
    return Column(
        BigInteger,
        primary_key=primary_key,
        autoincrement=False,
        index=index,
        nullable=nullable and not primary_key,
    )


def _when(*, nullable: bool = True, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Occurrence(SQLModel, table=True):
    """One dated instance of a recurring chat and where its flow stands."""

    id: int | None = Field(default=None, primary_key=True)
    chat_slug: str = Field(index=True)
    local_date: str  # YYYY-MM-DD in the chat's own time zone: one occurrence a day
    hashtag: str
    question_set: str
    scheduled_start: datetime = Field(sa_column=_when(nullable=False))
    state: str = Field(default="scheduled", index=True)
    started_at: datetime | None = Field(default=None, sa_column=_when())
    ended_at: datetime | None = Field(default=None, sa_column=_when())
    collect_until: datetime | None = Field(default=None, sa_column=_when())
    collected_at: datetime | None = Field(default=None, sa_column=_when())
    flow: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    since_id: int | None = Field(default=None, sa_column=_big())
    recap_state: str = "none"

    __table_args__ = (UniqueConstraint("chat_slug", "local_date", name="uq_occurrence_day"),)


def _network() -> Any:
    """The network a row belongs to ("x", "bluesky", "mastodon"); rows from before
    other networks existed are X's."""
    return Field(default="x", sa_column_kwargs={"server_default": "x"})


class BotPost(SQLModel, table=True):
    """A post the bot means to make on one network, recorded before it is sent.

    ``x_post_id`` is the post's stored id on any network (``domain.network.stored_id``);
    ``native_id`` the network's own id: a Bluesky ``at://`` URI (its record key chosen
    before sending, so a retry cannot make a second post) or a Mastodon status id.
    """

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    network: str = _network()
    key: str  # "welcome", "rules", "q1", "ask-1", "last_call", "closing", "reminder-1h"...
    text: str = Field(sa_column=Column(Text, nullable=False))
    reply_to_post_id: int | None = Field(default=None, sa_column=_big())
    media_path: str | None = None
    state: str = "intended"  # intended, sent, failed
    x_post_id: int | None = Field(default=None, sa_column=_big(index=True))
    intended_at: datetime = Field(sa_column=_when(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_when())
    error: str | None = None
    native_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    __table_args__ = (
        UniqueConstraint("occurrence_id", "network", "key", name="uq_bot_post_network_key"),
    )


class CollectedPost(SQLModel, table=True):
    """A post read during a chat window, stored once by its id.

    X posts are stored under X's id; other networks' under ``domain.network.stored_id``
    of their own id, which ``native_id`` keeps (with ``url``, where the post is seen).
    """

    id: int = Field(sa_column=_big(primary_key=True))
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    author_id: int = Field(sa_column=_big(index=True, nullable=False))
    author_username: str
    author_name: str = ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_when(nullable=False, index=True))
    conversation_id: int | None = Field(default=None, sa_column=_big())
    in_reply_to_post_id: int | None = Field(default=None, sa_column=_big(index=True))
    in_reply_to_user_id: int | None = Field(default=None, sa_column=_big())
    quoted_post_id: int | None = Field(default=None, sa_column=_big())
    like_count: int = 0
    reply_count: int = 0
    retweet_count: int = 0
    quote_count: int = 0
    impression_count: int = 0
    from_host: bool = False
    collected_at: datetime = Field(sa_column=_when(nullable=False))
    network: str = _network()
    native_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Answer(SQLModel, table=True):
    """A collected post assigned to a question (0: general, tied to no question)."""

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    post_id: int = Field(sa_column=_big(index=True, nullable=False))
    question_number: int = 0
    label: str | None = None  # as written, e.g. "A1a"
    method: str = "general"  # label, reply_to_question, inherited, window, general
    parent_post_id: int | None = Field(default=None, sa_column=_big())

    __table_args__ = (UniqueConstraint("post_id", "question_number", name="uq_answer"),)


class Participant(SQLModel, table=True):
    """A person who took part in any chat, across weeks, on one network.

    ``user_id`` is X's user id, or ``domain.network.stored_id`` of a Bluesky DID or a
    Mastodon account; ``username`` the handle a mention uses on that network.
    """

    user_id: int = Field(sa_column=_big(primary_key=True))
    username: str = Field(index=True)
    name: str = ""
    followers_count: int = 0
    first_seen_at: datetime = Field(sa_column=_when(nullable=False))
    last_seen_at: datetime = Field(sa_column=_when(nullable=False))
    first_occurrence_id: int | None = None
    last_occurrence_id: int | None = None
    network: str = _network()


class HiddenUser(SQLModel, table=True):
    """A participant kept out of collection and recap for one chat."""

    id: int | None = Field(default=None, primary_key=True)
    chat_slug: str = Field(index=True)
    username: str  # lower case, without @
    hidden_by: str = ""
    hidden_at: datetime = Field(sa_column=_when(nullable=False))

    __table_args__ = (UniqueConstraint("chat_slug", "username", name="uq_hidden_user"),)


class ModeratorAction(SQLModel, table=True):
    """Audit trail: every moderator command, allowed or refused."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_when(nullable=False, index=True))
    actor_id: int = Field(sa_column=_big(nullable=False))
    actor_name: str
    command: str
    arguments: str = ""
    allowed: bool
    result: str = Field(default="", sa_column=Column(Text, nullable=False))


class XUsage(SQLModel, table=True):
    """What one occurrence cost on X: requests, posts read and posts created."""

    occurrence_id: int = Field(foreign_key="occurrence.id", primary_key=True)
    requests: int = 0
    posts_read: int = 0
    posts_created: int = 0
    posts_with_url: int = 0


class BilledRead(SQLModel, table=True):
    """A post X billed us for reading on one UTC day: reading it again that day is free."""

    post_id: int = Field(sa_column=_big(primary_key=True))
    day: date = Field(primary_key=True)


class ScheduleState(SQLModel, table=True):
    """Moderators' overrides of a recurring chat: paused, or its next date skipped."""

    chat_slug: str = Field(primary_key=True)
    paused: bool = False
    skip_date: str | None = None  # local date (YYYY-MM-DD) of an occurrence not to host


class DiscordThread(SQLModel, table=True):
    """A Discord thread the bot opened for an occurrence, so a restarted bot finds it again.

    ``question_number`` 0 is the general-answers thread, whose row also keeps the
    announcement message it hangs from (saved first, before the thread exists).
    """

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    question_number: int = 0
    channel_id: int = Field(sa_column=_big(nullable=False))
    thread_id: int | None = Field(default=None, sa_column=_big())
    announcement_id: int | None = Field(default=None, sa_column=_big())

    __table_args__ = (
        UniqueConstraint("occurrence_id", "question_number", name="uq_discord_thread"),
    )
