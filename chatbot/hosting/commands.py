"""The moderators' commands on a running chat: one method each, the same for every caller.

Each applies an event to the chat's flow under the runner's lock, saves it,
posts whatever became due at once, and wakes the runner's loop so the new
timing takes effect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chatbot.domain.views import ControlResult
from chatbot.render.length import MAX_WEIGHTED_LENGTH, weighted_length
from chatbot.render.posts import question_text

if TYPE_CHECKING:
    from chatbot.domain.chat import ChatSpec
    from chatbot.domain.flow import Flow
    from chatbot.hosting.collector import Collector
    from chatbot.hosting.deps import RunnerDeps
    from chatbot.render.chat_texts import TextMaker


class ModeratorCommands:
    """Mixed into ChatRunner: next, pause, resume, skip, extend, ask, end, hide, unhide."""

    chat: ChatSpec
    flow: Flow
    deps: RunnerDeps
    texts: TextMaker
    lock: asyncio.Lock
    collector: Collector

    def save(self) -> None:
        raise NotImplementedError

    async def _advance(self) -> None:
        raise NotImplementedError

    def wake(self) -> None:
        raise NotImplementedError

    async def _command(self, change: Callable[[datetime], ControlResult]) -> ControlResult:
        """Apply a change to the flow, save it, post what became due, wake the loop."""
        async with self.lock:
            if self.flow.status == "ended":
                return ControlResult(False, f"{self.chat.hashtag} has ended.")
            result = change(self.deps.clock.now())
            if result.ok:
                self.save()
                await self._advance()
        self.wake()
        return result

    async def next_now(self) -> ControlResult:
        """Post the next question (or last call, or closing) now; the rest shift."""

        def change(now: datetime) -> ControlResult:
            if self.flow.status == "paused":
                return ControlResult(False, "The chat is paused: resume it first.")
            what = self.flow.next_now(now)
            return ControlResult(True, f"Posting {what} now; what follows moves up.")

        return await self._command(change)

    async def pause(self) -> ControlResult:
        """Hold every post until resumed (collection goes on)."""

        def change(now: datetime) -> ControlResult:
            if not self.flow.pause(now):
                return ControlResult(False, "The chat is already paused.")
            return ControlResult(True, f"{self.chat.hashtag} paused; answers are still collected.")

        return await self._command(change)

    async def resume(self) -> ControlResult:
        """Carry on after a pause; everything still to come moves by the pause's length."""

        def change(now: datetime) -> ControlResult:
            held = self.flow.resume(now)
            if held is None:
                return ControlResult(False, "The chat is not paused.")
            minutes = round(held.total_seconds() / 60, 1)
            return ControlResult(True, f"Resumed; the rest of the chat moved by {minutes} min.")

        return await self._command(change)

    async def skip(self) -> ControlResult:
        """Drop the next planned question."""

        def change(now: datetime) -> ControlResult:
            upcoming = self.flow.next_step()
            skipped = self.flow.skip()
            if not skipped:
                return ControlResult(False, "The next post is not a question; nothing skipped.")
            text = self.texts.for_step(upcoming) if upcoming else ""
            return ControlResult(True, f"Skipped the next question: {text}")

        return await self._command(change)

    async def extend(self, minutes: int) -> ControlResult:
        """Give the current question, and the chat, more minutes."""

        def change(now: datetime) -> ControlResult:
            self.flow.extend(minutes)
            end = self.flow.end.astimezone(ZoneInfo(self.chat.timezone)).strftime("%H:%M")
            return ControlResult(True, f"Extended by {minutes} min; the chat now ends at {end}.")

        return await self._command(change)

    async def ask(self, text: str) -> ControlResult:
        """Post an ad-hoc question now; it takes the next number."""

        def change(now: datetime) -> ControlResult:
            number = self.flow.current_question + 1
            post = question_text(number, text, self.chat.hashtag)
            length = weighted_length(post)
            if length > MAX_WEIGHTED_LENGTH:
                return ControlResult(
                    False,
                    f"As Q{number} with the hashtag that post is {length} characters as X "
                    f"counts them (limit {MAX_WEIGHTED_LENGTH}); shorten it.",
                )
            self.flow.ask(text, now)
            return ControlResult(True, f"Posting Q{number} now: {post}")

        return await self._command(change)

    async def end(self) -> ControlResult:
        """Close the chat now: the closing post goes out, remaining questions are dropped."""

        def change(now: datetime) -> ControlResult:
            self.flow.finish(now)
            return ControlResult(True, f"Closing {self.chat.hashtag} now.")

        return await self._command(change)

    def hide(self, username: str, *, by: str) -> ControlResult:
        """Keep a user out of collection, the live feed and the recap."""
        handle = username.strip().lstrip("@")
        self.deps.store.hide_user(
            chat_slug=self.chat.slug, username=handle, by=by, now=self.deps.clock.now()
        )
        self.collector.assigner.hide(handle)
        return ControlResult(True, f"@{handle} is hidden from {self.chat.hashtag}.")

    def unhide(self, username: str) -> ControlResult:
        """Collect a hidden user's posts again (posts made while hidden stay out)."""
        handle = username.strip().lstrip("@")
        if not self.deps.store.unhide_user(chat_slug=self.chat.slug, username=handle):
            return ControlResult(False, f"@{handle} was not hidden.")
        self.collector.assigner.hidden.discard(handle.lower())
        return ControlResult(
            True, f"@{handle} is shown again; posts made while hidden were not collected."
        )
