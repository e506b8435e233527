"""When X will not take the bot's posts: how long posting holds, and what moderators hear.

The rules (the README's "What the bot does when things go wrong"):

- X unreachable (5xx, timeouts, after the client's own retries): posting holds 15 s,
  then 30 s, 1 min… up to 5 min between tries; the post is looked up on X before each
  try (it may have been made). Moderators hear of it at the third failure in a row.
- X's rate limit spent (429, e.g. the 24-hour post limit): posting holds until X's reset.
- Credentials refused (401, or a token that may not post): posting holds, and is tried
  again every 30 s, so it resumes as soon as the tokens work again.
- No credits left (402): posting stops for the chat until a moderator's `/chat resume`
  or a restart: every try would be refused the same way.

Moderators are told once when a hold begins (and in the log at WARNING, without
Discord too) and once when posts go through again. While posting holds, the flow drops
the steps whose moment passes; the chat's collection goes on regardless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chatbot.hosting.notices import alert
from chatbot.hosting.publisher import Published
from chatbot.ports import ModeratorChannel

AUTH_PROBE = timedelta(seconds=30)
RETRY_FIRST = timedelta(seconds=15)
RETRY_MAX = timedelta(minutes=5)
RATE_UNKNOWN = timedelta(minutes=1)  # a 429 without a reset time
ALERT_AFTER = 3  # failures in a row of an unreachable X before moderators hear of it


@dataclass
class Hold:
    """Posting is held for ``reason`` (a Published outcome) until ``until`` (None: until a
    moderator resumes it or the bot restarts), after ``tries`` refusals in a row."""

    reason: str
    until: datetime | None
    tries: int = 1
    alerted: bool = False


class PostingHold:
    """One chat's posting hold; ``refused`` starts or extends it, ``cleared`` ends it."""

    def __init__(self, hashtag: str, moderators: ModeratorChannel) -> None:
        self.hashtag, self.moderators = hashtag, moderators
        self.hold: Hold | None = None

    def active(self, now: datetime) -> bool:
        """True while posting must wait."""
        hold = self.hold
        return hold is not None and (hold.until is None or now < hold.until)

    def ends_at(self) -> datetime | None:
        """When the hold ends by itself (None: it does not, or there is none)."""
        return self.hold.until if self.hold else None

    async def refused(self, result: Published, now: datetime) -> None:
        """X did not take a post (``result.outcome`` auth, credits, rate or retry): hold."""
        previous = self.hold if self.hold and self.hold.reason == result.outcome else None
        tries = previous.tries + 1 if previous else 1
        until: datetime | None
        if result.outcome == "retry":
            until = now + min(RETRY_FIRST * 2 ** (tries - 1), RETRY_MAX)
        elif result.outcome == "auth":
            until = now + AUTH_PROBE
        elif result.outcome == "rate":
            until = max(result.retry_at or now + RATE_UNKNOWN, now + timedelta(seconds=1))
        else:
            until = None
        self.hold = Hold(result.outcome, until, tries, alerted=bool(previous and previous.alerted))
        if not self.hold.alerted and (result.outcome != "retry" or tries >= ALERT_AFTER):
            await alert(self.moderators, self._message(result, until, tries))
            self.hold.alerted = True

    async def cleared(self) -> None:
        """A post went through (or X refused one for good): the hold is over."""
        if self.hold is not None and self.hold.alerted:
            await self.moderators.notify(f"{self.hashtag}: X takes our posts again.")
        self.hold = None

    def lift(self) -> bool:
        """A moderator resumes posting stopped for good; True if it was stopped."""
        if self.hold is None or self.hold.until is not None:
            return False
        self.hold = None
        return True

    def _message(self, result: Published, until: datetime | None, tries: int) -> str:
        dropped = "steps whose moment passes meanwhile are dropped"
        if result.outcome == "auth":
            return (
                f"{self.hashtag}: X refused our credentials ({result.error}). Posting is on "
                f"hold and tried again every {AUTH_PROBE.seconds} seconds; fix the X tokens. "
                f"The chat goes on when they work; {dropped}."
            )
        if result.outcome == "rate" and until is not None:
            when = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            return (
                f"{self.hashtag}: X's limit on our posts is spent until {when}. Posting holds "
                f"until then; {dropped}."
            )
        if result.outcome == "credits":
            return (
                f"{self.hashtag}: X says the account has no credits left (402). Posting is "
                "stopped for this chat: add credits in the X developer console, then "
                "`/chat resume` (or restart the bot). Answers are still collected if X allows."
            )
        return (
            f"{self.hashtag}: X failed {tries} times in a row ({result.error}). Posting tries "
            f"again every few minutes; {dropped}."
        )
