"""MastodonClient: one account on one Mastodon instance, through Mastodon.py.

Mastodon.py is synchronous: every call runs in a worker thread (see ``calls``), so the
event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mastodon.Mastodon import Mastodon

from chatbot.domain.network import Author, LengthRule, NetPost, PostRef
from chatbot.mastodon.calls import Caller, RetryPolicy, Sleep
from chatbot.mastodon.convert import id_order, to_author, to_post, to_ref
from chatbot.mastodon.stream import Backoff, HashtagStream
from chatbot.mastodon.textrules import DEFAULT_MAX_CHARACTERS, DEFAULT_URL_LENGTH

log = logging.getLogger("chatbot.mastodon")
PAGE_SIZE = 40  # the most a tag timeline page holds
MAX_PAGES = 25


def id_at(moment: datetime) -> str:
    """The lowest status id Mastodon gives at ``moment`` (its ids are milliseconds since
    the epoch shifted 16 bits): ``since_id=id_at(start)`` reads what was posted since."""
    return str(int(moment.timestamp() * 1000) << 16)


def _real_now() -> datetime:
    return datetime.now(UTC)


class MastodonClient:
    """Posts, reads and streams a hashtag on one instance as the account of ``access_token``.

    ``connect()`` first: it reads the instance's domain and length limit (``length_rule``)
    and checks the token (``me``).
    """

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str,
        retry: RetryPolicy | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.policy = retry or RetryPolicy()
        self.api = Mastodon(
            access_token=access_token,
            api_base_url=base_url,
            ratelimit_method="throw",  # never sleep inside a worker thread; Caller waits
            request_timeout=self.policy.timeout,
            version_check_mode="none",
            user_agent="chatbot (Mastodon.py)",
        )
        self.now = now or _real_now
        self.sleep = sleep or asyncio.sleep
        self.caller = Caller(self.api, self.policy, now=self.now, sleep=self.sleep)
        self.domain = ""
        self.me: Author | None = None
        self.length_rule = LengthRule(DEFAULT_MAX_CHARACTERS, "characters", DEFAULT_URL_LENGTH)

    async def connect(self) -> Author:
        """Read the instance (domain, ``max_characters``, ``characters_reserved_per_url``)
        and verify the access token; return our own account."""
        instance = await self.caller.run("instance", self.api.instance_v2)
        self.domain = str(instance["domain"])
        statuses = instance["configuration"]["statuses"]
        self.length_rule = LengthRule(
            limit=int(statuses["max_characters"]),
            unit="characters",
            url_length=int(statuses.get("characters_reserved_per_url") or DEFAULT_URL_LENGTH),
        )
        # Mastodon.py asks the instance once more, for its own cache, before its first
        # timeline or stream: asked here, a failure there cannot be mistaken for another.
        hashtags = await self.caller.run(
            "instance", partial(self.api.timeline_is_available, "hashtag", with_auth=True)
        )
        if not hashtags:
            log.warning("mastodon: %s does not show hashtag timelines to us", self.domain)
        account = await self.caller.run("verify_credentials", self.api.account_verify_credentials)
        self.me = to_author(account, self.domain)
        log.info(
            "mastodon connected as @%s (limit %d characters)",
            self.me.handle,
            self.length_rule.limit,
        )
        return self.me

    async def create_post(
        self,
        text: str,
        *,
        reply_to: PostRef | None = None,
        idempotency_key: str,
        visibility: str = "public",
    ) -> PostRef:
        """Publish a status exactly once: the same ``idempotency_key`` (chosen and stored
        before the first try) answers with the first status for an hour, however often it
        is sent, also by a process restarted after a crash."""
        status: dict[str, Any] = await self.caller.run(
            "create_post",
            partial(
                self.api.status_post,
                text,
                in_reply_to_id=reply_to.id if reply_to else None,
                visibility=visibility,
                idempotency_key=idempotency_key,
            ),
        )
        ref = to_ref(status)
        log.info(
            "mastodon create_post: %s (reply_to=%s)", ref.id, reply_to.id if reply_to else None
        )
        return ref

    async def get_post(self, post_id: str) -> NetPost:
        """One status by id."""
        status = await self.caller.run("get_post", partial(self.api.status, post_id))
        return to_post(status, self.domain)

    async def timeline(
        self, tag: str, *, since_id: str | None, max_pages: int = MAX_PAGES
    ) -> list[NetPost]:
        """Every public status with ``tag`` newer than ``since_id`` (None: from the first),
        oldest first: pages of 40 read forward from ``min_id`` by their ``prev`` links."""
        tag = tag.lstrip("#")
        page = await self.caller.run(
            "timeline",
            partial(self.api.timeline_hashtag, tag, min_id=since_id or "0", limit=PAGE_SIZE),
        )
        statuses: dict[str, Any] = {}
        for pages in range(1, max_pages + 1):
            statuses |= {str(status["id"]): status for status in page}
            if len(page) < PAGE_SIZE:
                break
            if pages == max_pages:
                log.warning("mastodon timeline #%s: stopped after %d pages", tag, pages)
                break
            page = await self.caller.run("timeline", partial(self.api.fetch_previous, page))
            page = page or []
        return [to_post(statuses[key], self.domain) for key in sorted(statuses, key=id_order)]

    async def newest_id(self, tag: str) -> str | None:
        """The id of the newest public status with ``tag``, if there is one."""
        page = await self.caller.run(
            "timeline", partial(self.api.timeline_hashtag, tag.lstrip("#"), limit=1)
        )
        return str(page[0]["id"]) if page else None

    def stream(
        self, tag: str, *, since_id: str | None = None, backoff: Backoff | None = None,
        read_timeout: float = 60.0,
    ) -> HashtagStream:  # fmt: skip
        """The posts with ``tag`` as they come (see HashtagStream)."""
        return HashtagStream(
            self, tag, since_id=since_id, backoff=backoff, read_timeout=read_timeout
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self.api.session.close()
