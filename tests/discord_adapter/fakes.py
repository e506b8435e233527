"""A ChatControl and an AuditLog that record calls: the seam the bot talks through."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chatbot.domain.views import (
    ControlResult,
    HostStatus,
    LiveChat,
    RecapPreview,
    UpcomingChat,
)

SLUGS = ["ai-weekly", "ai-monthly", "data-chat"]


@dataclass
class FakeControl:
    """Records each call as (method, args) and answers with a canned result."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    delay: float = 0.0  # seconds each command takes, to exercise deferred replies
    ok: bool = True
    preview: RecapPreview | None = None  # what `/recap preview` shows, when a test sets it

    def chat_slugs(self) -> list[str]:
        return list(SLUGS)

    def called(self, name: str) -> list[tuple[Any, ...]]:
        """Return the arguments of every call to ``name``."""
        return [args for method, args in self.calls if method == name]

    async def _result(self, name: str, *args: Any) -> ControlResult:
        self.calls.append((name, args))
        await asyncio.sleep(self.delay)
        return ControlResult(
            ok=self.ok, message=f"{name} {'done' if self.ok else 'failed'}: {args}"
        )

    async def status(self) -> HostStatus:
        self.calls.append(("status", ()))
        now = datetime.now(UTC)
        live = LiveChat(
            slug="ai-weekly",
            hashtag="#AIWeekly",
            title="AI weekly",
            state="running",
            current_question=3,
            question_count=6,
            current_question_text="What *surprised* you?",
            next_step="Q4",
            next_step_at=now + timedelta(minutes=4),
            ends_at=now + timedelta(minutes=40),
            posts_collected=57,
            participants=21,
        )
        upcoming = UpcomingChat(
            slug="data-chat",
            hashtag="#DataChat",
            title="Data chat",
            starts_at=now + timedelta(days=2),
            timezone="Europe/Paris",
        )
        return HostStatus(live=[live], upcoming=[upcoming])

    async def start_now(self, slug: str) -> ControlResult:
        return await self._result("start_now", slug)

    async def next_question(self, slug: str | None = None) -> ControlResult:
        return await self._result("next_question", slug)

    async def pause(self, slug: str | None = None) -> ControlResult:
        return await self._result("pause", slug)

    async def resume(self, slug: str | None = None) -> ControlResult:
        return await self._result("resume", slug)

    async def skip(self, slug: str | None = None) -> ControlResult:
        return await self._result("skip", slug)

    async def extend(self, minutes: int, slug: str | None = None) -> ControlResult:
        return await self._result("extend", minutes, slug)

    async def ask(self, text: str, slug: str | None = None) -> ControlResult:
        return await self._result("ask", text, slug)

    async def end(self, slug: str | None = None) -> ControlResult:
        return await self._result("end", slug)

    async def hide(self, handle: str, slug: str | None = None) -> ControlResult:
        return await self._result("hide", handle, slug)

    async def unhide(self, handle: str, slug: str | None = None) -> ControlResult:
        return await self._result("unhide", handle, slug)

    async def assign(self, post: str, question: str) -> ControlResult:
        return await self._result("assign", post, question)

    async def recap_preview(self, slug: str) -> RecapPreview | ControlResult:
        self.calls.append(("recap_preview", (slug,)))
        if self.preview is not None:
            return self.preview
        posts = [f"Recap post {n}: " + "words " * 60 for n in range(1, 9)]
        return RecapPreview(
            slug=slug, occurrence_date="2026-11-05", posts=posts, files=["a.png"], status="draft"
        )

    async def recap_publish(self, slug: str) -> ControlResult:
        return await self._result("recap_publish", slug)

    async def recap_series(self, slug: str) -> ControlResult:
        self.calls.append(("recap_series", (slug,)))
        lines = [f"#AIWeekly ({slug}): 3 weeks, *42* people in all, $1.20 on X."]
        lines += ["2026-11-05: 20 people (8 new, 12 back, 60% of the week before), @everyone"]
        return ControlResult(True, "\n".join(lines))

    async def schedule_list(self) -> list[UpcomingChat]:
        self.calls.append(("schedule_list", ()))
        return []

    async def schedule_skip_next(self, slug: str) -> ControlResult:
        return await self._result("schedule_skip_next", slug)

    async def schedule_pause(self, slug: str) -> ControlResult:
        return await self._result("schedule_pause", slug)

    async def schedule_resume(self, slug: str) -> ControlResult:
        return await self._result("schedule_resume", slug)


@dataclass
class FakeAudit:
    """Keeps every audit entry in memory."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    async def record(self, **entry: Any) -> None:
        self.entries.append(entry)
