"""Moderator notices that are always logged, and forwarded to Discord when it is there."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from chatbot.domain.network import Network
from chatbot.domain.views import MirroredAnswer
from chatbot.ports import ModeratorChannel

log = logging.getLogger("chatbot.notices")


async def alert(moderators: ModeratorChannel, text: str) -> None:
    """Tell the moderators of trouble (X refusing us, the database failing…): in the log at
    WARNING, so it shows without Discord too, and on Discord when it is there."""
    log.warning("%s", text)
    inner = moderators.inner if isinstance(moderators, LoggedModerators) else moderators
    if inner is not None:
        await inner.notify(text)


class LoggedModerators:
    """A ModeratorChannel that logs each notice and passes everything on to ``inner``."""

    def __init__(self, inner: ModeratorChannel | None = None) -> None:
        self.inner = inner

    async def notify(self, text: str) -> None:
        """Log the notice, then tell the moderators."""
        log.info("%s", text)
        if self.inner is not None:
            await self.inner.notify(text)

    async def chat_started(
        self,
        *,
        occurrence_id: int,
        slug: str,
        title: str,
        hashtag: str,
        questions: Sequence[tuple[int, str]],
    ) -> None:
        """Log the start; Discord opens one thread per question."""
        log.info("%s: chat started (%s, %d questions)", slug, hashtag, len(questions))
        if self.inner is not None:
            await self.inner.chat_started(
                occurrence_id=occurrence_id,
                slug=slug,
                title=title,
                hashtag=hashtag,
                questions=questions,
            )

    async def question_posted(
        self, *, occurrence_id: int, number: int, text: str, url: str, network: Network = Network.X
    ) -> None:
        """Log the question's address; Discord says so in its thread."""
        log.info("Q%d posted on %s: %s", number, network, url)
        if self.inner is not None:
            await self.inner.question_posted(
                occurrence_id=occurrence_id, number=number, text=text, url=url, network=network
            )

    async def mirror_answers(
        self, *, occurrence_id: int, answers: Sequence[MirroredAnswer]
    ) -> None:
        """Mirror answers to Discord (not logged: they are in the database)."""
        if self.inner is not None:
            await self.inner.mirror_answers(occurrence_id=occurrence_id, answers=answers)
