"""Build stored chats in a real database through Repository, as the collector would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.answers import AnswerAssigner
from chatbot.domain.chat import ChatSpec, Question, QuestionSet, RecapOptions, Recurrence
from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored
from chatbot.domain.posts import Metrics, XPost, XUser
from chatbot.storage.repository import Repository

HOST = XUser(id=1500000000000000001, username="SMBchatHost", name="SMB chat")
BASE_ID = 1_900_000_000_000_000_000  # real X ids need 64 bits


def chat_spec(**recap: object) -> ChatSpec:
    """The #SMBchat schedule, in New York time."""
    return ChatSpec(
        slug="smb",
        title="SMB chat",
        hashtag="#SMBchat",
        host=HOST.username,
        timezone="America/New_York",
        recurrence=Recurrence(weekday=1, hour=20),
        question_set="smb/customers",
        recap=RecapOptions(**recap),  # type: ignore[arg-type]
    )


def question_set(count: int = 3) -> QuestionSet:
    """A question set with ``count`` questions."""
    questions = tuple(
        Question(number=n, text=f"What is your favourite way #{n} to reach customers?")
        for n in range(1, count + 1)
    )
    return QuestionSet(
        key="smb/customers",
        title="Engaging customers",
        welcome="Welcome!",
        rules="Use A1, A2…",
        last_call="Last call!",
        closing="Thanks!",
        reminder="Soon!",
        questions=questions,
    )


class ChatWorld:
    """One occurrence of a chat: users, the host's questions and participants' posts."""

    def __init__(self, store: Repository, *, local_date: str, start: datetime) -> None:
        self.store = store
        self.start = start
        occ = store.get_or_create_occurrence(
            chat_slug="smb",
            local_date=local_date,
            hashtag="#SMBchat",
            question_set="smb/customers",
            scheduled_start=start,
        )
        assert occ.id is not None
        self.occurrence_id = occ.id
        self.pending: list[XPost] = []
        self.question_posts: dict[int, int] = {}
        self._next = BASE_ID + occ.id * 1_000_000
        self.native: dict[int, str] = {}  # stored id -> another network's own id

    def _id(self) -> int:
        self._next += 1
        return self._next

    def at(self, minute: float) -> datetime:
        """The moment ``minute`` minutes after the chat's start."""
        return self.start + timedelta(minutes=minute)

    def question(self, number: int, *, minute: float) -> int:
        """The bot posts Qn: recorded as a sent BotPost and collected as a host post."""
        when = self.at(minute)
        post_id = self._id()
        text = f"Q{number}: What is your favourite way #{number} to reach customers? #SMBchat"
        key = f"q{number}"
        self.store.intend_post(occurrence_id=self.occurrence_id, key=key, text=text, now=when)
        self.store.mark_sent(self.occurrence_id, key, x_post_id=post_id, now=when)
        self.pending.append(XPost(id=post_id, author=HOST, text=text, created_at=when))
        self.question_posts[post_id] = number
        return post_id

    def post(
        self,
        user: XUser,
        text: str,
        *,
        minute: float,
        reply_to: int | None = None,
        likes: int = 0,
        reposts: int = 0,
    ) -> int:
        """A participant's post (not stored until ``save``)."""
        post_id = self._id()
        self.pending.append(
            XPost(
                id=post_id,
                author=user,
                text=text,
                created_at=self.at(minute),
                in_reply_to_post_id=reply_to,
                metrics=Metrics(like_count=likes, retweet_count=reposts),
            )
        )
        return post_id

    def net_post(
        self,
        network: Network,
        handle: str,
        text: str,
        *,
        minute: float,
        reply_to: int | None = None,
        likes: int = 0,
        name: str = "",
        followers: int = 0,
        url: str | None = None,
    ) -> int:
        """A Bluesky or Mastodon participant's post, as hosting collects it
        (``domain.network.as_stored``); ``reply_to`` is a stored id. Returns its stored id."""
        serial = self._id()
        if network is Network.BLUESKY:
            author_id = f"did:plc:{handle.split('.')[0]}"
            native = f"at://{author_id}/app.bsky.feed.post/3l{serial % 10**9:09d}"
            where = f"https://bsky.app/profile/{handle}/post/3l{serial % 10**9:09d}"
        else:
            local, _, instance = handle.partition("@")
            author_id = f"https://{instance}/users/{local}"
            native = str(113_000_000_000_000_000 + serial % 10**9)
            where = f"https://{instance}/@{local}/{native}"
        post = as_stored(
            NetPost(
                ref=PostRef(network, native, url=where if url is None else url),
                author=Author(network, author_id, handle, name or handle.title(), followers),
                text=text,
                created_at=self.at(minute),
                reply_to=self.native[reply_to] if reply_to is not None else None,
                hashtags=("SMBchat",),
                metrics=Metrics(like_count=likes),
            )
        )
        self.native[post.id] = native
        self.pending.append(post)
        return post.id

    def save(self, *, hidden: set[str] | None = None) -> None:
        """Store the posts and their answer assignments, as the collector does."""
        now = self.at(90)
        self.store.store_posts(
            occurrence_id=self.occurrence_id, posts=self.pending, now=now, host_user_id=HOST.id
        )
        assigner = AnswerAssigner(
            question_posts=self.question_posts, host_user_id=HOST.id, hidden=hidden or set()
        )
        self.store.save_answers(self.occurrence_id, assigner.assign(self.pending))
        self.pending = []


def user(username: str, *, uid: int, followers: int = 0, name: str = "") -> XUser:
    """A participant account."""
    return XUser(
        id=uid, username=username, name=name or username.title(), followers_count=followers
    )


WEEK1 = datetime(2026, 1, 7, 1, 0, tzinfo=UTC)  # Tuesday 6 Jan 2026, 20:00 in New York
WEEK2 = datetime(2026, 1, 14, 1, 0, tzinfo=UTC)  # Tuesday 13 Jan 2026, 20:00 in New York
