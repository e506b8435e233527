"""TweepyXClient: the XClient port on tweepy's AsyncClient."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
from tweepy.asynchronous import AsyncClient

from chatbot.domain.posts import SearchBatch, XPost, XUser
from chatbot.ports import XAuthError, XDuplicateError, XMeter, XWritePermissionError
from chatbot.x import convert
from chatbot.x.links import has_link
from chatbot.x.meter import Meter
from chatbot.x.retry import WRITE_PERMISSION_HELP, DuplicateContent, Retrier, RetryPolicy, Sleep
from chatbot.x.search import MAX_PAGES, SEARCH_PATH, SearchPager
from chatbot.x.session import (
    X_API,
    OAuth1Credentials,
    RateLimits,
    build_session,
    read_json,
    upload_media,
)

log = logging.getLogger("chatbot.x")


def _real_now() -> datetime:
    return datetime.now(UTC)


class TweepyXClient:
    """Talks to X (or the local emulator) through tweepy, with bounded retries and a meter.

    With a bearer token as well as the OAuth 1.0a secrets, recent search runs app-only and
    spends X's per-app search budget (450 per 15 minutes) instead of the account's (300).
    """

    def __init__(
        self,
        *,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        access_token: str | None = None,
        access_token_secret: str | None = None,
        bearer_token: str | None = None,
        base_url: str = X_API,
        meter: XMeter | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Sleep | None = None,
        retry: RetryPolicy | None = None,
        duplicate_lookback: timedelta = timedelta(days=2),
        search_max_pages: int = MAX_PAGES,
    ) -> None:
        secrets = (consumer_key, consumer_secret, access_token, access_token_secret)
        self._oauth1 = OAuth1Credentials(*secrets) if all(secrets) else None  # type: ignore[arg-type]
        if self._oauth1 is None and not bearer_token:
            raise ValueError("X credentials: give the four OAuth 1.0a secrets or a bearer token")
        self._api = AsyncClient(
            bearer_token=bearer_token,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=access_token,
            access_token_secret=access_token_secret,
            # The answer as it came; its JSON decoded by session.read_json, into plain
            # dicts (no tweepy model objects) converted to XPost once, in convert.py.
            return_type=aiohttp.ClientResponse,
        )
        self._user_auth = self._oauth1 is not None
        self._search_user_auth = self._user_auth and not bearer_token
        self._search_max_pages = search_max_pages
        self.base_url = base_url
        self.meter = meter or Meter()
        self._now = now or _real_now
        self.policy = retry or RetryPolicy()
        self._retrier = Retrier(self.policy, now=self._now, sleep=sleep or asyncio.sleep)
        self._session: aiohttp.ClientSession | None = None
        self._me: XUser | None = None
        self._duplicate_lookback = duplicate_lookback
        self.rate_limits = RateLimits()

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = build_session(
                self.base_url, timeout_seconds=self.policy.timeout, limits=self.rate_limits
            )
            self._api.session = self._session
        return self._session

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._api.session = None

    async def _call(
        self,
        operation: str,
        send: Callable[[], Awaitable[Any]],
        *,
        before_resend: Callable[[], Awaitable[Any]] | None = None,
    ) -> Any:
        self._ensure_session()

        async def metered() -> Any:
            self.meter.record_request()
            result = await send()
            if isinstance(result, aiohttp.ClientResponse):
                return await read_json(result)
            return result

        return await self._retrier.run(operation, metered, before_resend=before_resend)

    def _require_user_context(self, operation: str) -> OAuth1Credentials:
        if self._oauth1 is None:
            raise XAuthError(f"{operation} needs OAuth 1.0a user-context credentials")
        return self._oauth1

    async def me(self) -> XUser:
        """Return the account the credentials belong to (asked once, then cached)."""
        if self._me is None:
            body = await self._call(
                "me",
                lambda: self._api.get_me(
                    user_auth=self._user_auth, user_fields=convert.USER_FIELDS
                ),
            )
            self._me = convert.to_user(body["data"])
            log.info("x me: @%s (%d)", self._me.username, self._me.id)
        return self._me

    async def create_post(
        self, text: str, *, reply_to: int | None = None, media_path: Path | None = None
    ) -> int:
        """Publish a post; a duplicate or an ambiguous failure resolves to the earlier post."""
        credentials = self._require_user_context("create_post")
        started = self._now()
        media_ids = None
        if media_path is not None:
            media_ids = [await self._upload(credentials, media_path)]

        async def send() -> dict[str, Any]:
            return await self._api.create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, media_ids=media_ids, user_auth=True
            )

        async def already_posted() -> int | None:
            # A timeout or 5xx may hide a success: never post twice.
            return await self.find_own_post(text, since=started - timedelta(seconds=5))

        try:
            result = await self._call("create_post", send, before_resend=already_posted)
        except DuplicateContent as duplicate:
            earlier = await self.find_own_post(text, since=started - self._duplicate_lookback)
            if earlier is None:
                log.error("x create_post: duplicate content and no earlier post found")
                raise XDuplicateError(
                    "X refused a duplicate and no earlier copy was found"
                ) from duplicate
            log.info("x create_post: duplicate resolved to earlier post %d", earlier)
            return earlier
        if isinstance(result, int):
            log.info("x create_post: earlier attempt had succeeded as %d", result)
            return result
        post_id = int(result["data"]["id"])
        # Priced "with URL" for a link in what we wrote (as X finds links, bare domains
        # too); X's pricing names no surcharge for media, whose t.co link X adds itself.
        self.meter.record_created(with_url=has_link(text))
        log.info("x create_post: posted %d (reply_to=%s)", post_id, reply_to)
        return post_id

    async def _upload(self, credentials: OAuth1Credentials, path: Path) -> str:
        data = await asyncio.to_thread(path.read_bytes)
        session = self._ensure_session()
        media_id = await self._call(
            "upload_media", lambda: upload_media(session, credentials, path, data)
        )
        log.info("x upload_media: %s (%d bytes)", media_id, len(data))
        return str(media_id)

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
        pager = SearchPager(self._search_page, now=self._now, max_pages=self._search_max_pages)
        batch = await pager.collect(
            query, since_id=since_id, start_time=start_time, end_time=end_time, until_id=until_id
        )
        limit = self.rate_limits.get(SEARCH_PATH)
        if limit is None:
            return batch
        return replace(batch, rate_remaining=limit.remaining, rate_reset=limit.reset)

    async def _search_page(self, query: str, params: dict[str, Any]) -> Mapping[str, Any]:
        body = await self._call(
            "search_recent",
            partial(
                self._api.search_recent_tweets,
                query,
                user_auth=self._search_user_auth,
                **params,
                **convert.FIELDS,
            ),
        )
        self._record_reads(body)
        return body

    def _record_reads(self, body: Mapping[str, Any]) -> None:
        data = body.get("data") or []
        posts = [data] if isinstance(data, Mapping) else data
        self.meter.record_read((int(post["id"]) for post in posts), at=self._now())

    async def get_posts(self, ids: Sequence[int]) -> list[XPost]:
        """Look posts up by id, 100 per request; ids X cannot find are left out."""
        posts: list[XPost] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 100):
            batch = unique[start : start + 100]
            body = await self._call(
                "get_posts",
                partial(self._api.get_tweets, batch, user_auth=self._user_auth, **convert.FIELDS),
            )
            self._record_reads(body)
            posts.extend(convert.posts_of(body))
        return posts

    async def find_own_post(self, text: str, *, since: datetime) -> int | None:
        """Return the id of our own post with this text since ``since``.

        Compared as X changes text: links become t.co links, and a post with media gets
        one more at the end.
        """
        me = await self.me()
        wanted = convert.comparable(text)
        token: str | None = None
        for _ in range(5):
            params: dict[str, Any] = {"start_time": since, "max_results": 100}
            if token:
                params["pagination_token"] = token
            body = await self._call(
                "find_own_post",
                partial(
                    self._api.get_users_tweets,
                    me.id,
                    user_auth=self._user_auth,
                    tweet_fields=["created_at", "entities", "note_tweet"],
                    **params,
                ),
            )
            self._record_reads(body)
            for tweet in body.get("data") or []:
                if convert.comparable_post(tweet) == wanted:
                    return int(tweet["id"])
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return None
        return None

    async def check_write_access(self) -> XUser:
        """Return our account, or raise XWritePermissionError when X says the access token
        may only read (its ``x-access-level``); nothing is posted to find out."""
        me = await self.me()
        level = self.rate_limits.access_level
        if level is not None and "write" not in level:
            raise XWritePermissionError(f"@{me.username}: {WRITE_PERMISSION_HELP}")
        return me
