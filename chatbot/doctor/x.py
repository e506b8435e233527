"""The doctor's X checks: with three cheap calls, whether X will take the next chat.

It asks X who the credentials belong to (``GET /2/users/me``: they work, and the
``x-access-level`` header says whether the token may post), checks that account against
the X host of each enabled chat on X, runs one search that matches nothing to read the
rate-limit room, and estimates what the next chat will cost at the ``X_PRICE_*`` prices.
Nothing is posted and no post is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chatbot.app import SetupError, x_client
from chatbot.catalog import Catalog
from chatbot.doctor.findings import Finding, fail, host_findings, ok
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.cost import Prices, Usage
from chatbot.domain.network import Network
from chatbot.domain.recurrence import next_occurrences
from chatbot.ports import XAuthError, XError, XWritePermissionError
from chatbot.settings import Settings
from chatbot.x.client import TweepyXClient
from chatbot.x.links import has_link
from chatbot.x.meter import Meter
from chatbot.x.search import SEARCH_PATH

# Matches no post, so it costs no read; its answer carries the search rate-limit headers.
PROBE_QUERY = "conversation_id:1"
PARTICIPANT_POSTS = 450  # a chat's participant posts, when nothing better is known


REFUSED = (
    "X refused them (401): check X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and "
    "X_ACCESS_TOKEN_SECRET in .env; a wrong or regenerated secret gives this"
)


@dataclass(frozen=True, slots=True)
class Estimate:
    """What one chat will cost on X, and what the figure assumes."""

    posts_created: int
    posts_with_url: int
    posts_read: int
    dollars: Decimal


def estimate_chat(
    chat: ChatSpec, qset: QuestionSet, prices: Prices, participant_posts: int
) -> Estimate:
    """The bot's posts (reminders, welcome, rules, questions, last call, closing, and a
    recap thread of a headline, one post per question and the shout-outs, within the chat's
    ``max_thread_posts``), those with a link as X finds
    links, and the posts read: every participant post once, and the bot's own."""
    texts = [qset.reminder] * len(chat.reminders)
    texts += [qset.welcome, qset.rules, *(q.text for q in qset.questions)]
    texts += [qset.last_call, qset.closing]
    recap = min(len(qset.questions) + 2, chat.recap.max_thread_posts) if chat.recap.post_to_x else 0
    created = len(texts) + recap
    with_url = sum(has_link(text) for text in texts)
    read = participant_posts + created
    usage = Usage(posts_read=read, posts_created=created, posts_with_url=with_url)
    cost = usage.cost(prices)
    return Estimate(created, with_url, read, cost)


async def check_x(
    settings: Settings, catalog: Catalog, chats: list[ChatSpec], participant_posts: int
) -> list[Finding]:
    """X's findings for the enabled ``chats`` on X; stop at the first one the others need."""
    try:
        x = x_client(settings, Meter())
    except SetupError as exc:
        return [fail("credentials", str(exc))]
    try:
        return await _with_x(x, settings, catalog, chats, participant_posts)
    finally:
        await x.close()


async def _with_x(
    x: TweepyXClient,
    settings: Settings,
    catalog: Catalog,
    chats: list[ChatSpec],
    participant_posts: int,
) -> list[Finding]:
    try:
        me = await x.me()
    except XAuthError:
        return [fail("credentials", REFUSED)]
    except XError as exc:
        return [fail("credentials", f"X could not be asked at {settings.x_api_base_url}: {exc}")]
    findings = [ok("credentials", f"X accepts them: they are @{me.username}'s")]
    try:
        await x.check_write_access()
        level = x.rate_limits.access_level or "not reported"
        findings.append(ok("posting", f"the access token may post ({level})"))
    except XWritePermissionError as exc:
        findings.append(fail("posting", str(exc)))
    findings += host_findings(chats, Network.X, me.username, topic="host")
    findings.append(await _room(x))
    findings += _costs(catalog, chats, settings.prices, participant_posts)
    return findings


async def _room(x: TweepyXClient) -> Finding:
    try:
        await x.search_recent(PROBE_QUERY, since_id=None)
    except XError as exc:
        return fail("rate limits", f"a search failed: {exc}")
    rooms = []
    for name, path in (("search", SEARCH_PATH), ("users/me", "/2/users/me")):
        limit = x.rate_limits.get(path)
        if limit is None:
            continue
        until = f"until {limit.reset:%H:%M} UTC"
        if limit.remaining == 0:
            return fail("rate limits", f"{name}: none left {until}")
        rooms.append(f"{name} {limit.remaining} of {limit.limit} left {until}")
    return ok("rate limits", "; ".join(rooms) or "X sent no rate-limit headers")


def _costs(
    catalog: Catalog, chats: list[ChatSpec], prices: Prices, participant_posts: int
) -> list[Finding]:
    findings = []
    now = datetime.now(UTC)
    for chat in chats:
        estimate = estimate_chat(chat, catalog.question_set_of(chat), prices, participant_posts)
        upcoming = next_occurrences(chat, now, 1)
        when = upcoming[0].astimezone(ZoneInfo(chat.timezone)) if upcoming else None
        at = f" on {when:%a %Y-%m-%d %H:%M %Z}" if when else ""
        findings.append(
            ok(
                "cost",
                f"{chat.slug}{at}: about ${estimate.dollars:.2f} ({estimate.posts_created} "
                f"posts, {estimate.posts_with_url} with a link, about {estimate.posts_read} "
                f"posts read if {participant_posts} participant posts)",
            )
        )
    return findings
