"""The repository: every read and write the bot makes, one short transaction each.

Methods are synchronous and quick; async callers run them in a worker thread
(see ``chatbot.storage.aio``) so the event loop never waits on the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from chatbot.domain.posts import XPost
from chatbot.storage.tables import (
    Answer,
    BotPost,
    CollectedPost,
    HiddenUser,
    ModeratorAction,
    Occurrence,
    Participant,
    ScheduleState,
    XUsage,
)

LIVE_STATES = ("running", "paused")
_CHUNK = 500


class ChatStore:
    """Reads and writes the bot's tables through one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- occurrences ---------------------------------------------------------
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

    # -- the bot's own posts -------------------------------------------------
    def intend_post(
        self,
        *,
        occurrence_id: int,
        key: str,
        text: str,
        now: datetime,
        reply_to_post_id: int | None = None,
        media_path: str | None = None,
    ) -> BotPost:
        """Record a post as intended before it is sent; an existing key is returned as is."""
        with self._session() as s:
            found = s.exec(
                select(BotPost).where(BotPost.occurrence_id == occurrence_id, BotPost.key == key)
            ).first()
            if found:
                return found
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
            return post

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

    # -- collected posts, answers, participants ------------------------------
    def store_posts(
        self, *, occurrence_id: int, posts: Sequence[XPost], now: datetime, host_user_id: int
    ) -> list[XPost]:
        """Store posts not seen before and update participants; return only the new ones."""
        with self._session() as s:
            new = self._insert_posts(s, occurrence_id, posts, now, host_user_id)
            s.commit()
        return new

    def unseen(self, posts: Sequence[XPost]) -> list[XPost]:
        """Return the posts whose ids are not stored yet."""
        known = set(self.posts_by_id(p.id for p in posts))
        return [p for p in posts if p.id not in known]

    def record_collection(
        self,
        *,
        occurrence_id: int,
        posts: Sequence[XPost],
        answers: Sequence[Answer],
        since_id: int | None,
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        """Store one collection pass in one transaction: new posts, their answers, since_id.

        Either all of it is kept or none, so a crash never loses posts that
        ``since_id`` already claims were read, and never re-reads stored ones.
        """
        with self._session() as s:
            new = self._insert_posts(s, occurrence_id, posts, now, host_user_id)
            new_ids = {p.id for p in new}
            for answer in answers:
                if answer.post_id in new_ids:
                    s.add(answer)
            if since_id is not None:
                occ = s.get(Occurrence, occurrence_id)
                if occ is not None and (occ.since_id is None or since_id > occ.since_id):
                    occ.since_id = since_id
                    s.add(occ)
            s.commit()
        return new

    def _insert_posts(
        self,
        s: Session,
        occurrence_id: int,
        posts: Sequence[XPost],
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        new: list[XPost] = []
        for start in range(0, len(posts), _CHUNK):
            chunk = posts[start : start + _CHUNK]
            ids = [p.id for p in chunk]
            known = set(s.exec(select(CollectedPost.id).where(col(CollectedPost.id).in_(ids))))
            for post in chunk:
                if post.id in known:
                    continue
                known.add(post.id)
                new.append(post)
                s.add(_collected_row(post, occurrence_id, now, host_user_id))
        s.flush()
        self._touch_participants(s, new, occurrence_id, host_user_id)
        return new

    def _touch_participants(
        self, s: Session, posts: Iterable[XPost], occurrence_id: int, host_user_id: int
    ) -> None:
        latest: dict[int, XPost] = {}
        for post in posts:
            if post.author.id != host_user_id:
                latest[post.author.id] = post
        ids = list(latest)
        existing: dict[int, Participant] = {}
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            query = select(Participant).where(col(Participant.user_id).in_(part))
            existing.update({p.user_id: p for p in s.exec(query)})
        for user_id, post in latest.items():
            person = existing.get(user_id)
            if person is None:
                person = Participant(
                    user_id=user_id,
                    username=post.author.username,
                    first_seen_at=post.created_at,
                    last_seen_at=post.created_at,
                    first_occurrence_id=occurrence_id,
                )
            person.username = post.author.username
            person.name = post.author.name
            person.followers_count = post.author.followers_count
            person.last_seen_at = max(person.last_seen_at, post.created_at)
            person.last_occurrence_id = occurrence_id
            s.add(person)

    def collected_posts(self, occurrence_id: int) -> list[CollectedPost]:
        """Return every post collected for an occurrence, oldest first."""
        with self._session() as s:
            query = select(CollectedPost).where(CollectedPost.occurrence_id == occurrence_id)
            return list(s.exec(query.order_by(col(CollectedPost.id))))

    def count_collected(self, occurrence_id: int) -> tuple[int, int]:
        """Return (posts, distinct authors) collected for an occurrence."""
        with self._session() as s:
            query = select(
                func.count(col(CollectedPost.id)),
                func.count(func.distinct(CollectedPost.author_id)),
            ).where(CollectedPost.occurrence_id == occurrence_id, ~col(CollectedPost.from_host))
            posts, authors = s.exec(query).one()
            return int(posts), int(authors)

    def posts_by_id(self, ids: Iterable[int]) -> dict[int, CollectedPost]:
        """Return stored posts by X id (any occurrence)."""
        wanted = list(set(ids))
        found: dict[int, CollectedPost] = {}
        with self._session() as s:
            for start in range(0, len(wanted), _CHUNK):
                query = select(CollectedPost).where(
                    col(CollectedPost.id).in_(wanted[start : start + _CHUNK])
                )
                found.update({p.id: p for p in s.exec(query)})
        return found

    def update_metrics(self, posts: Sequence[XPost]) -> int:
        """Refresh public metrics (and follower counts) of stored posts; return how many."""
        by_id = {p.id: p for p in posts}
        updated = 0
        with self._session() as s:
            ids = list(by_id)
            for start in range(0, len(ids), _CHUNK):
                query = select(CollectedPost).where(
                    col(CollectedPost.id).in_(ids[start : start + _CHUNK])
                )
                for row in s.exec(query):
                    m = by_id[row.id].metrics
                    row.like_count, row.reply_count = m.like_count, m.reply_count
                    row.retweet_count, row.quote_count = m.retweet_count, m.quote_count
                    row.impression_count = m.impression_count
                    s.add(row)
                    updated += 1
            s.commit()
        return updated

    def save_answers(self, answers: Sequence[Answer]) -> None:
        """Store answer assignments, ignoring ones already stored."""
        if not answers:
            return
        with self._session() as s:
            post_ids = list({a.post_id for a in answers})
            known = {
                (a.post_id, a.question_number)
                for a in s.exec(select(Answer).where(col(Answer.post_id).in_(post_ids)))
            }
            for answer in answers:
                if (answer.post_id, answer.question_number) not in known:
                    known.add((answer.post_id, answer.question_number))
                    s.add(answer)
            s.commit()

    def answers(self, occurrence_id: int) -> list[Answer]:
        """Return the answer assignments of an occurrence."""
        with self._session() as s:
            query = select(Answer).where(Answer.occurrence_id == occurrence_id)
            return list(s.exec(query.order_by(col(Answer.post_id))))

    def participants(self, user_ids: Iterable[int]) -> dict[int, Participant]:
        """Return participants by user id."""
        wanted = list(set(user_ids))
        found: dict[int, Participant] = {}
        with self._session() as s:
            for start in range(0, len(wanted), _CHUNK):
                query = select(Participant).where(
                    col(Participant.user_id).in_(wanted[start : start + _CHUNK])
                )
                found.update({p.user_id: p for p in s.exec(query)})
        return found

    # -- hidden users ----------------------------------------------------------
    def hide_user(self, *, chat_slug: str, username: str, by: str, now: datetime) -> bool:
        """Hide a participant from a chat; False when already hidden."""
        name = username.lstrip("@").lower()
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
        name = username.lstrip("@").lower()
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

    # -- audit, usage, schedule overrides -------------------------------------
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

    def schedule_state(self, chat_slug: str) -> ScheduleState:
        """Return moderators' overrides for a chat (defaults when none)."""
        with self._session() as s:
            return s.get(ScheduleState, chat_slug) or ScheduleState(chat_slug=chat_slug)

    def set_schedule_state(self, chat_slug: str, **fields: object) -> ScheduleState:
        """Change moderators' overrides for a chat."""
        with self._session() as s:
            state = s.get(ScheduleState, chat_slug) or ScheduleState(chat_slug=chat_slug)
            for name, value in fields.items():
                setattr(state, name, value)
            s.add(state)
            s.commit()
            return state


def _collected_row(
    post: XPost, occurrence_id: int, now: datetime, host_user_id: int
) -> CollectedPost:
    m = post.metrics
    return CollectedPost(
        id=post.id,
        occurrence_id=occurrence_id,
        author_id=post.author.id,
        author_username=post.author.username,
        author_name=post.author.name,
        text=post.text,
        created_at=post.created_at,
        conversation_id=post.conversation_id,
        in_reply_to_post_id=post.in_reply_to_post_id,
        in_reply_to_user_id=post.in_reply_to_user_id,
        quoted_post_id=post.quoted_post_id,
        like_count=m.like_count,
        reply_count=m.reply_count,
        retweet_count=m.retweet_count,
        quote_count=m.quote_count,
        impression_count=m.impression_count,
        from_host=post.author.id == host_user_id,
        collected_at=now,
    )
