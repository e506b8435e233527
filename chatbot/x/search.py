"""One collection pass over recent search: paging with next_token, keeping the first newest_id.

The pager knows X's search rules (the window it accepts, how pages follow each other); the
request itself (auth, fields, retries, metering) is the client's ``FetchPage``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from chatbot.domain.posts import SearchBatch, XPost
from chatbot.ports import XError
from chatbot.x import convert
from chatbot.x.snowflake import snowflake_at, snowflake_time

SEARCH_PATH = "/2/tweets/search/recent"
log = logging.getLogger("chatbot.x")
SEARCH_WINDOW = timedelta(days=7)
# X refuses an end_time closer than 10 s to the request, and start_time/since_id older than 7 d.
END_TIME_MARGIN = timedelta(seconds=11)
START_TIME_MARGIN = timedelta(minutes=1)
MAX_PAGES = 100  # a pass stops here (10,000 posts) and the next one reads on below

# One page of a search: (query, parameters) -> X's JSON body.
FetchPage = Callable[[str, dict[str, Any]], Awaitable[Mapping[str, Any]]]


def search_window(
    now: datetime,
    since_id: int | None,
    start_time: datetime | None,
    end_time: datetime | None,
    until_id: int | None,
) -> dict[str, Any] | None:
    """Return the time/id parameters X accepts, or None when the window is empty."""
    oldest = now - SEARCH_WINDOW + START_TIME_MARGIN
    floor = since_id if since_id is not None and snowflake_time(since_id) > oldest else None
    if floor is None and until_id is not None:
        # X takes ids or times, never both: the start becomes the id X would give it.
        floor = snowflake_at(max(start_time or oldest, oldest)) - 1
    if floor is not None:
        # X refuses since_id together with start_time or end_time: ids win, and the end
        # becomes the id X would give a post made then.
        ceiling = snowflake_at(end_time) if end_time is not None else None
        if until_id is not None:
            ceiling = until_id if ceiling is None else min(ceiling, until_id)
        if ceiling is None:
            return {"since_id": floor}
        return {"since_id": floor, "until_id": ceiling} if ceiling > floor + 1 else None
    params: dict[str, Any] = {}
    start = max(start_time, oldest) if start_time is not None else None
    if since_id is not None:
        # since_id is older than X allows: fall back to the oldest time it serves.
        start = max(start or oldest, oldest)
    if start is not None:
        params["start_time"] = start
    if end_time is not None:
        end = min(end_time, now - END_TIME_MARGIN)
        if start is not None and end <= start:
            return None
        params["end_time"] = end
    return params


class SearchPager:
    """Collects every page of one recent search (tweepy's Paginator does not keep newest_id)."""

    def __init__(
        self,
        fetch: FetchPage,
        *,
        now: Callable[[], datetime],
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.fetch = fetch
        self.now = now
        self.max_pages = max_pages

    async def collect(
        self,
        query: str,
        *,
        since_id: int | None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        until_id: int | None = None,
    ) -> SearchBatch:
        """Return the matching posts oldest first, the batch's newest id, and requests.

        Pages run from the newest post down. When X fails after the first page, or
        ``max_pages`` is reached, the posts read so far are returned in a batch that
        is not ``complete``: nothing already paid for is thrown away.
        """
        window = search_window(self.now(), since_id, start_time, end_time, until_id)
        if window is None:
            return SearchBatch(posts=[], newest_id=None, requests=0)
        posts: dict[int, XPost] = {}
        newest_id: int | None = None
        requests = 0
        token: str | None = None
        error = ""
        while True:
            params = dict(window, max_results=100)
            if token:
                params["next_token"] = token
            try:
                body = await self.fetch(query, params)
            except XError as exc:
                if not posts:
                    raise
                error = str(exc)
                log.warning(
                    "x search_recent: page %d of %r failed; keeping the %d posts read: %s",
                    requests + 1,
                    query,
                    len(posts),
                    exc,
                )
                break
            requests += 1
            meta = body.get("meta") or {}
            if newest_id is None and meta.get("newest_id"):
                # Pages run newest first: the first page with posts has the newest (X
                # may answer an empty first page that still has a next_token).
                newest_id = int(meta["newest_id"])
            posts.update((post.id, post) for post in convert.posts_of(body))
            token = meta.get("next_token")  # X may give one with an empty or short page
            if not token:
                break
            if requests >= self.max_pages and posts:
                log.info(
                    "x search_recent: %d pages of %r in one pass; the older posts come next pass",
                    requests,
                    query,
                )
                break
        ordered = sorted(posts.values(), key=lambda post: post.id)
        complete = not token and not error
        resume_below = None if complete else ordered[0].id
        log.log(
            logging.INFO if ordered else logging.DEBUG,
            "x search_recent: %d posts in %d requests (newest %s)",
            len(ordered),
            requests,
            newest_id,
        )
        return SearchBatch(
            posts=ordered,
            newest_id=newest_id,
            requests=requests,
            resume_below=resume_below,
            error=error,
        )
