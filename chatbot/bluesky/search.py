"""Reading Bluesky: hashtag search for gap filling, and posts by URI."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from atproto import AsyncClient, models
from atproto_client.models.utils import get_model_as_dict

from chatbot.bluesky import convert
from chatbot.bluesky.retry import Retrier
from chatbot.bluesky.text import carries_hashtag
from chatbot.domain.network import NetPost

PAGE_SIZE = 100
MAX_PAGES = 50  # 5000 posts: far more than one chat; a guard against a cursor that loops


class SearchMixin:
    """searchPosts and getPosts for BlueskyClient."""

    atp: AsyncClient
    retrier: Retrier

    async def search(
        self, tag: str, *, since: datetime, cursor: str | None = None
    ) -> tuple[list[NetPost], str | None]:
        """One page (newest first) of posts carrying ``#tag`` indexed at or after ``since``,
        and the cursor of the next page (None on the last).

        The query is the tag as a plain word: ``#tag`` in ``q`` and the ``tag`` parameter
        both match only the hashtags the AppView indexes (tag facets and the record's
        ``tags``), and some clients write the hashtag without a facet. The word finds
        those too; posts that carry the word but not the hashtag are dropped here. A page
        can repeat a post of the page before (the cursor counts offsets while new posts
        arrive).
        """
        params = models.AppBskyFeedSearchPosts.Params(
            q=tag.lstrip("#"),
            sort="latest",
            since=since.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            limit=PAGE_SIZE,
            cursor=cursor,
        )
        page = await self.retrier.call(
            "searchPosts", partial(self.atp.app.bsky.feed.search_posts, params)
        )
        posts = [convert.from_post_view(get_model_as_dict(view)) for view in page.posts]
        kept = [post for post in posts if _carries(post, tag)]
        return kept, page.cursor or None

    async def search_all(self, tag: str, *, since: datetime) -> list[NetPost]:
        """Every post carrying ``#tag`` since ``since``, oldest first, each once."""
        found: dict[str, NetPost] = {}
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page, cursor = await self.search(tag, since=since, cursor=cursor)
            for post in page:
                found.setdefault(post.ref.id, post)
            if cursor is None:
                break
        return sorted(found.values(), key=lambda post: (post.created_at, post.ref.id))

    async def get_posts(self, uris: list[str]) -> list[NetPost]:
        """Look posts up by URI (25 a request), e.g. to refresh their counts; posts
        that no longer exist are left out."""
        found: list[NetPost] = []
        for start in range(0, len(uris), 25):
            params = models.AppBskyFeedGetPosts.Params(uris=uris[start : start + 25])
            page = await self.retrier.call(
                "getPosts", partial(self.atp.app.bsky.feed.get_posts, params)
            )
            found += [convert.from_post_view(get_model_as_dict(view)) for view in page.posts]
        return found


def _carries(post: NetPost, tag: str) -> bool:
    wanted = tag.lstrip("#").casefold()
    return any(t.casefold() == wanted for t in post.hashtags) or carries_hashtag(
        {"text": post.text}, wanted
    )
