"""Publishing one of the bot's posts exactly once, whatever happens around it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from chatbot.domain.occurrence import PostState
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import (
    ChatStore,
    XAuthError,
    XClient,
    XCreditsExhaustedError,
    XError,
    XRateLimitedError,
    XUnavailableError,
)

log = logging.getLogger("chatbot.publisher")
LOOKBACK = timedelta(minutes=2)


@dataclass(frozen=True)
class Published:
    """How a publish attempt ended.

    ``outcome``: "sent" (now or earlier); "skipped" (asked only to look, and it is not on
    X); "refused" (X will never take it: move on); and, the post not made: "auth" (our
    credentials were refused), "credits" (the account has none left), "rate" (X's limit
    is spent until ``retry_at``, None when X did not say), "retry" (X could not be
    reached: it may have been made; try again later, looking first).
    """

    outcome: str
    post_id: int | None = None
    text: str = ""
    error: str = ""
    retry_at: datetime | None = None


class Publisher:
    """Records each post as intended before sending it; reconciles intents left by a crash."""

    def __init__(self, *, store: ChatStore, x: XClient, usage: UsageLedger) -> None:
        self.store, self.x, self.usage = store, x, usage
        self._intended_here: set[tuple[int, str]] = set()

    async def publish(
        self,
        *,
        occurrence_id: int,
        key: str,
        text: str,
        now: datetime,
        reply_to: int | None = None,
        media_path: Path | None = None,
        send: bool = True,
    ) -> Published:
        """Make the post ``key`` of an occurrence unless it is already on X; with ``send``
        False only record it if it is on X already (its moment has passed)."""
        intent, created = await self.store.intend_post(
            occurrence_id=occurrence_id,
            key=key,
            text=text,
            now=now,
            reply_to_post_id=reply_to,
            media_path=str(media_path) if media_path else None,
        )
        if intent.state == PostState.SENT:
            return Published("sent", intent.x_post_id, intent.text)
        if intent.state == PostState.FAILED:
            return Published("refused", None, intent.text, intent.error or "")
        here = (occurrence_id, key)
        try:
            post_id = None
            if not created and (here not in self._intended_here or not send):
                # Intended by an earlier process (or tried here and failed in a way that
                # may hide a success), which may have sent it before dying.
                post_id = await self.usage.track(
                    occurrence_id,
                    self.x.find_own_post(intent.text, since=intent.intended_at - LOOKBACK),
                )
                if post_id:
                    log.info(
                        "occurrence %s: %s was already on X as %s", occurrence_id, key, post_id
                    )
            if post_id is None and not send:
                await self.store.mark_failed(occurrence_id, key, error="its moment had passed")
                return Published("skipped", None, intent.text)
            self._intended_here.add(here)
            if post_id is None:
                post_id = await self.usage.track(
                    occurrence_id,
                    self.x.create_post(
                        intent.text, reply_to=intent.reply_to_post_id, media_path=media_path
                    ),
                )
        except XError as exc:
            return await self._failed(occurrence_id, key, intent.text, exc)
        try:
            await self.store.mark_sent(occurrence_id, key, x_post_id=post_id, now=now)
        except BaseException:
            self._intended_here.discard(here)  # on X but not recorded: look before sending
            raise
        return Published("sent", post_id, intent.text)

    async def _failed(self, occurrence_id: int, key: str, text: str, exc: XError) -> Published:
        """What an X failure means for the post: held (not made), or refused for good."""
        error = str(exc)
        if isinstance(exc, XCreditsExhaustedError):
            return Published("credits", None, text, error)
        if isinstance(exc, XAuthError):
            return Published("auth", None, text, error)
        if isinstance(exc, XRateLimitedError):
            return Published("rate", None, text, error, retry_at=exc.reset_at)
        if isinstance(exc, XUnavailableError):
            log.warning("occurrence %s: posting %s failed, will retry: %s", occurrence_id, key, exc)
            self._intended_here.discard((occurrence_id, key))  # it may be on X: look first
            return Published("retry", None, text, error)
        # A duplicate, a 403, a 400: X refuses this post whatever we do.
        await self.store.mark_failed(occurrence_id, key, error=error)
        return Published("refused", None, text, error)
