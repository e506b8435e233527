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
    XDuplicateError,
    XError,
    XForbiddenError,
)

log = logging.getLogger("chatbot.publisher")
LOOKBACK = timedelta(minutes=2)


@dataclass(frozen=True)
class Published:
    """How a publish attempt ended.

    ``outcome``: "sent" (now or earlier), "refused" (X will never take it: move on),
    "auth" (our credentials were refused: hold), "retry" (try again later).
    """

    outcome: str
    post_id: int | None = None
    text: str = ""
    error: str = ""


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
    ) -> Published:
        """Make the post ``key`` of an occurrence unless it is already on X."""
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
        try:
            post_id = None
            if not created and (occurrence_id, key) not in self._intended_here:
                # Intended by an earlier process, which may have sent it before dying.
                post_id = await self.usage.track(
                    occurrence_id,
                    self.x.find_own_post(intent.text, since=intent.intended_at - LOOKBACK),
                )
                if post_id:
                    log.info(
                        "occurrence %s: %s was already on X as %s", occurrence_id, key, post_id
                    )
            self._intended_here.add((occurrence_id, key))
            if post_id is None:
                post_id = await self.usage.track(
                    occurrence_id,
                    self.x.create_post(
                        intent.text, reply_to=intent.reply_to_post_id, media_path=media_path
                    ),
                )
        except XAuthError as exc:
            return Published("auth", None, intent.text, str(exc))
        except (XDuplicateError, XForbiddenError) as exc:
            await self.store.mark_failed(occurrence_id, key, error=str(exc))
            return Published("refused", None, intent.text, str(exc))
        except XError as exc:
            log.warning("occurrence %s: posting %s failed, will retry: %s", occurrence_id, key, exc)
            return Published("retry", None, intent.text, str(exc))
        await self.store.mark_sent(occurrence_id, key, x_post_id=post_id, now=now)
        return Published("sent", post_id, intent.text)
