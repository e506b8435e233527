"""The Mastodon side of a chat as hosting sees it (``chatbot.ports.Outlet``): the host
account, statuses made exactly once with an Idempotency-Key derived from the intent, and
the chat's hashtag read from the tag timeline (what was missed) and then the hashtag
stream (live, itself filling gaps after each reconnection).

Mastodon keeps an Idempotency-Key about an hour: a retry within it returns the first
status. It cannot be asked whether a status exists without posting, so ``find`` says
None; hosting sends the intent again instead while its moment lasts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from chatbot.domain.network import Author, NetPost, Network, PostRef
from chatbot.mastodon.client import MastodonClient, id_at
from chatbot.mastodon.errors import (
    MastodonAuthError,
    MastodonError,
    MastodonRateLimitedError,
    MastodonRefusedError,
)
from chatbot.mastodon.stream import Backoff, HashtagStream
from chatbot.ports import (
    NetAuthError,
    NetRateLimitedError,
    NetRefusedError,
    NetUnavailableError,
)

log = logging.getLogger("chatbot.mastodon")
T = TypeVar("T")


async def _translated(call: Callable[[], Awaitable[T]]) -> T:
    """Run an adapter call; its errors as the ones hosting acts on."""
    try:
        return await call()
    except MastodonAuthError as exc:
        raise NetAuthError(str(exc)) from exc
    except MastodonRateLimitedError as exc:
        raise NetRateLimitedError(str(exc), reset_at=exc.reset_at) from exc
    except MastodonRefusedError as exc:
        raise NetRefusedError(str(exc)) from exc
    except MastodonError as exc:
        raise NetUnavailableError(str(exc)) from exc


class MastodonOutlet:
    """Implements ``chatbot.ports.Outlet`` on a MastodonClient."""

    network = Network.MASTODON

    def __init__(self, client: MastodonClient, *, backoff: Backoff | None = None) -> None:
        self.client = client
        self.backoff = backoff or Backoff(base=1.0, cap=30.0)
        self._streams: list[HashtagStream] = []

    async def connect(self) -> Author:
        """Read the instance and verify the token; the host account."""
        return await _translated(self.client.connect)

    def planned_id(self, moment: datetime) -> str | None:
        """Mastodon names statuses itself."""
        return None

    async def send(
        self, text: str, *, reply_to: PostRef | None, planned_id: str | None, key: str
    ) -> PostRef:
        """Post with ``key`` as the Idempotency-Key."""
        return await _translated(
            lambda: self.client.create_post(text, reply_to=reply_to, idempotency_key=key)
        )

    async def find(self, *, planned_id: str | None, key: str) -> PostRef | None:
        """Mastodon cannot say without posting (see the module's note)."""
        return None

    async def missed(self, hashtag: str, *, since: datetime) -> list[NetPost]:
        """The tag timeline since ``since``, every page, oldest first."""
        return await _translated(lambda: self.client.timeline(hashtag, since_id=id_at(since)))

    async def live(self, hashtag: str, *, since: datetime) -> AsyncIterator[NetPost]:
        """The hashtag stream from now on (it fills its own gaps after a reconnection)."""
        stream = self.client.stream(hashtag, backoff=self.backoff)
        self._streams.append(stream)
        try:
            async for post in stream:
                yield post
        finally:
            stream.close()
            if stream in self._streams:
                self._streams.remove(stream)

    async def stop(self) -> None:
        """End the streams."""
        for stream in list(self._streams):
            stream.close()

    async def close(self) -> None:
        """Stop streaming and close the client's connections."""
        await self.stop()
        self.client.close()
