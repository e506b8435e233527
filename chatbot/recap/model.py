"""Plain data a recap is built from: one chat's posts, people, questions and X usage.

Loaded from the database (the store hands out a ``StoredChat``, which
``chatbot.recap.load`` turns into a ``ChatRecord``) or straight from X
(``chatbot.recap.transcript``); every function that computes or renders a
recap takes only these objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from chatbot.domain.cost import Usage
from chatbot.domain.posts import Metrics, Network
from chatbot.render.safe_text import safe_link

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})\b")
# A Bluesky or Mastodon mention: @ana.bsky.social, @ana@mastodon.social (checked whole).
_NET_MENTION = re.compile(r"(?<![\w@])@([\w.-]+(?:@[\w.-]+)?)")
INFERRED = "window"
NOT_ANSWERS = frozenset({"inherited", "general"})
NETWORK_NAMES = {Network.X: "X", Network.BLUESKY: "Bluesky", Network.MASTODON: "Mastodon"}
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", re.IGNORECASE)


def redact_hidden(text: str, hidden: frozenset[str] | set[str]) -> str:
    """Replace @mentions of hidden users with "@hidden" so they are never named (on any
    network: ``@ana``, ``@ana.bsky.social``, ``@ana@mastodon.social``)."""
    if not hidden:
        return text
    text = _MENTION.sub(lambda m: "@hidden" if m.group(1).lower() in hidden else m.group(0), text)
    if any("." in h or "@" in h for h in hidden):  # someone of another network is hidden
        text = _NET_MENTION.sub(lambda m: _hidden_or(m, hidden), text)
    return text


def _hidden_or(match: re.Match[str], hidden: frozenset[str] | set[str]) -> str:
    handle = match.group(1).rstrip(".-").lower()
    if handle in hidden:
        return "@hidden" + match.group(1)[len(handle) :]
    return match.group(0)


def network_name(network: Network | str) -> str:
    """A network as readers know it: "X", "Bluesky", "Mastodon"."""
    return NETWORK_NAMES.get(Network(network), str(network))


def network_of(user_id: int, handle: str) -> Network:
    """The network of a stored person, from their stored id and handle alone: X's ids are
    positive; Bluesky's and Mastodon's negative (``domain.network.stored_id``), and a
    Mastodon handle names its instance (``ana@mastodon.social``) where a Bluesky one is a
    domain name (``ana.bsky.social``). For reads that carry no network column."""
    if user_id >= 0:
        return Network.X
    return Network.MASTODON if "@" in handle.lstrip("@") else Network.BLUESKY


def post_url(username: str, post_id: int) -> str:
    """Return the public address of a post on X."""
    return f"https://x.com/{username}/status/{post_id}"


def bluesky_post_url(uri: str) -> str:
    """Where bsky.app shows a post, from its ``at://did/app.bsky.feed.post/rkey`` URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return ""
    return f"https://bsky.app/profile/{quote(parts[0], safe=':')}/post/{quote(parts[2])}"


def profile_url(network: Network, username: str) -> str:
    """A person's page on their network ("" when the handle gives none)."""
    if network is Network.BLUESKY:
        return f"https://bsky.app/profile/{quote(username, safe='')}"
    if network is Network.MASTODON:
        user, _, host = username.lstrip("@").partition("@")
        if not (user and _HOST.fullmatch(host)):
            return ""
        return f"https://{host}/@{quote(user, safe='')}"
    return f"https://x.com/{quote(username, safe='')}"


def short_handle(network: Network, username: str) -> str:
    """A handle without its domain ("ana" for ana.bsky.social and ana@mastodon.social):
    named on another network, a whole handle would be a link or a mention there."""
    if network is Network.BLUESKY:
        return username.split(".", 1)[0]
    if network is Network.MASTODON:
        return username.lstrip("@").split("@", 1)[0]
    return username


@dataclass(frozen=True, slots=True)
class ChatPost:
    """One participant's post with the questions it answers (empty: general)."""

    id: int
    author_id: int
    username: str
    name: str
    text: str
    created_at: datetime
    in_reply_to_post_id: int | None = None
    questions: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    method: str = "general"  # how its questions were found (chatbot.domain.answers.METHODS)
    network: Network = Network.X
    link: str = ""  # where another network shows the post (X's is built from the id)

    @property
    def question(self) -> int:
        """The first question this post answers, 0 when general."""
        return self.questions[0] if self.questions else 0

    @property
    def is_answer(self) -> bool:
        """An answer to its questions, labelled, replying to one, or inferred; a reply
        under someone's answer only takes its question and is conversation, not an answer."""
        return bool(self.questions) and self.method not in NOT_ANSWERS

    @property
    def is_inferred(self) -> bool:
        """An unlabelled answer assigned to the question that was live when it was made."""
        return self.is_answer and self.method == INFERRED

    @property
    def url(self) -> str:
        """The post's address on its network ("" when another network gave none)."""
        if self.network is Network.X:
            return post_url(self.username, self.id)
        return safe_link(self.link)

    @property
    def profile(self) -> str:
        """The author's page on the post's network."""
        return profile_url(self.network, self.username)


@dataclass(frozen=True, slots=True)
class Person:
    """A participant of this chat; ``is_new`` when this was their first chat."""

    user_id: int
    username: str
    name: str = ""
    followers: int = 0
    is_new: bool = False
    network: Network = Network.X


@dataclass(frozen=True, slots=True)
class ChatRecord:
    """Everything one occurrence's recap needs; hidden users are already left out."""

    slug: str
    title: str
    hashtag: str
    timezone: str
    local_date: str
    questions: dict[int, str]
    question_times: dict[int, datetime]
    posts: list[ChatPost]  # participants' posts (never the host's), oldest first
    people: dict[int, Person]
    usage: Usage = field(default_factory=Usage)
    knows_history: bool = True  # False when new vs returning is unknown (transcript)
    hidden: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = (Network.X,)  # the chat's, and any its posts came from

    @property
    def several_networks(self) -> bool:
        """True when the chat was held on more than one network (files then name each)."""
        return len(self.networks) > 1

    @property
    def heading(self) -> str:
        """The title for the files: the chat's title, or '#tag transcript' when it has none."""
        return self.title or f"{self.hashtag} transcript"


@dataclass(frozen=True, slots=True)
class StoredChat:
    """An occurrence as the database keeps it, before hidden users are left out."""

    hashtag: str
    local_date: str
    posts: list[ChatPost]  # participants' posts, oldest first, with the questions they answer
    host_posts: list[ChatPost]  # the host account's own posts, oldest first
    people: dict[int, Person]  # every author of ``posts``, by user id
    sent_questions: dict[int, datetime]  # when the bot's own Q1…Qn went out
    hidden: frozenset[str] = frozenset()  # lower-case handles hidden from this chat
    usage: Usage = field(default_factory=Usage)
    imported: bool = False  # read from X by ``chatbot transcript``, not hosted by the bot


@dataclass(frozen=True, slots=True)
class StoredWeek:
    """One occurrence of a chat as the series report reads it, hidden accounts left out."""

    local_date: str
    hashtag: str
    imported: bool  # read from X by `chatbot transcript`, not hosted by the bot
    people: dict[int, str]  # everyone who posted: user id -> handle
    answered: dict[int, int]  # user id -> questions they answered
    answers: int  # answer posts (one answering A2/A3 counts once)
    inferred: int  # of which inferred
    per_question: dict[int, int]  # answer posts per question
    questions: int  # questions asked
    usage: Usage = field(default_factory=Usage)
