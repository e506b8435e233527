"""The flow of one chat as a pure state machine: events in, actions out, no I/O.

Welcome → rules → Q1…Qn (each after its gap) → last call → closing. Questions
are timed from the post before them, so posting one early ("next") or late (a
restart) shifts the rest; last call and closing are pinned to the chat's end,
which pauses and extensions move. Question numbers are given when a question is
posted, so skipped questions leave no gap and an ad-hoc question takes the next number.

A step whose moment has passed (the bot was down, or X kept refusing) is dropped,
with a notice, by one rule (``late_at``): the welcome and the rules only before the
chat's end; a question only before the last call (one that no longer fits is dropped
at once); the last call only while a minute is left; the closing up to the grace
period late, after which the chat ends at its planned end without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from chatbot.domain.commands import (
    Ask,
    Command,
    End,
    Extend,
    NextNow,
    Pause,
    Resume,
    Skip,
    ask_refusal,
    extend_refusal,
)
from chatbot.domain.views import ControlResult
from chatbot.render.posts import question_text

LAST_CALL_MIN = timedelta(minutes=1)  # a last call with less left before the end is dropped


class FlowState(StrEnum):
    """Where a chat stands: running, held by a moderator, or closed."""

    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class StepKind(StrEnum):
    """What a step posts."""

    WELCOME = "welcome"
    RULES = "rules"
    QUESTION = "question"
    LAST_CALL = "last_call"
    CLOSING = "closing"


class StepStatus(StrEnum):
    """Where one step stands; "posting" is intended but not yet known to be on X."""

    PENDING = "pending"
    POSTING = "posting"
    POSTED = "posted"
    SKIPPED = "skipped"
    DROPPED = "dropped"


@dataclass
class Step:
    """One post of the flow; ``gap`` is minutes after the previous posted step."""

    key: str  # plan key: "welcome", "rules", "q-1" (first planned question), "ask-1", …
    kind: StepKind
    gap: float = 0.0
    source: int = 0  # index into the question set for planned questions
    text: str = ""  # ad-hoc question text
    status: StepStatus = StepStatus.PENDING
    number: int = 0  # the "Qn" number, given when posted
    posted_at: datetime | None = None
    post_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        """Rebuild a step stored by ``Flow.to_json`` (plain strings, ISO times)."""
        posted_at = data.get("posted_at")
        return cls(
            **data
            | {
                "kind": StepKind(data["kind"]),
                "status": StepStatus(data["status"]),
                "posted_at": datetime.fromisoformat(posted_at) if posted_at else None,
            }
        )


@dataclass(frozen=True)
class Post:
    """Action: publish this step now (its text is rendered by the runner). ``late``: its
    moment has passed since it was begun; post it only if it is on X already."""

    step: Step
    reply_to: int | None  # the X post to reply to, for threading
    late: bool = False


@dataclass(frozen=True)
class Notice:
    """Action: tell moderators something."""

    text: str


Action = Post | Notice


@dataclass(frozen=True)
class ChatFacts:
    """What the answer to a moderator's command names: the hashtag, the zone, a step's text."""

    hashtag: str
    timezone: str
    step_text: Callable[[Step], str]


@dataclass
class Flow:
    """Where one chat stands; serialisable to JSON for the database."""

    start: datetime
    end: datetime
    last_call_lead: float  # minutes before the end
    thread: bool  # every post replies to the previous one
    grace: float = 15.0  # minutes: how late the closing may still go out
    steps: list[Step] = field(default_factory=list)
    status: FlowState = FlowState.RUNNING
    next_due: datetime | None = None
    paused_at: datetime | None = None
    asks: int = 0

    # -- building and storing ------------------------------------------------
    @classmethod
    def plan(
        cls,
        *,
        start: datetime,
        duration: timedelta,
        first_question_after: float,
        intervals: list[float],
        last_call_lead: float,
        thread: bool,
        grace: float = 15.0,
    ) -> Flow:
        """Plan a chat starting at ``start``: one interval per question (minutes after it)."""
        steps = [Step("welcome", StepKind.WELCOME), Step("rules", StepKind.RULES)]
        gap = float(first_question_after)
        for index, interval in enumerate(intervals):
            steps.append(Step(f"q-{index + 1}", StepKind.QUESTION, gap=gap, source=index))
            gap = float(interval)
        steps += [Step("last_call", StepKind.LAST_CALL), Step("closing", StepKind.CLOSING)]
        return cls(
            start=start,
            end=start + duration,
            last_call_lead=last_call_lead,
            thread=thread,
            grace=grace,
            steps=steps,
            next_due=start,
        )

    def to_json(self) -> str:
        """Serialise for the database (enums as their strings, times as ISO 8601)."""
        return json.dumps(asdict(self), default=_iso)

    @classmethod
    def from_json(cls, text: str) -> Flow:
        """Rebuild a flow stored by ``to_json`` (older rows included)."""
        data = json.loads(text)
        for name in ("start", "end", "next_due", "paused_at"):
            data[name] = datetime.fromisoformat(data[name]) if data[name] else None
        data["steps"] = [Step.from_dict(s) for s in data["steps"]]
        data["status"] = FlowState(data["status"])
        return cls(**data)

    # -- queries ---------------------------------------------------------------
    def pending(self) -> list[Step]:
        """Steps not yet posted, skipped or dropped, in order."""
        return [s for s in self.steps if s.status in (StepStatus.PENDING, StepStatus.POSTING)]

    def next_step(self) -> Step | None:
        """The step that comes next, if any."""
        pending = self.pending()
        return pending[0] if pending else None

    def posted_questions(self) -> list[Step]:
        """Questions posted so far, in order."""
        return [
            s for s in self.steps if s.kind == StepKind.QUESTION and s.status == StepStatus.POSTED
        ]

    @property
    def current_question(self) -> int:
        """The number of the last question posted (0 before Q1)."""
        posted = self.posted_questions()
        return posted[-1].number if posted else 0

    @property
    def last_call_at(self) -> datetime:
        """When the last call is due."""
        return self.end - timedelta(minutes=self.last_call_lead)

    def _last_post_id(self) -> int | None:
        posted = [s for s in self.steps if s.status == StepStatus.POSTED and s.post_id]
        return posted[-1].post_id if posted else None

    def _welcome_id(self) -> int | None:
        return next(
            (s.post_id for s in self.steps if s.kind == StepKind.WELCOME and s.post_id), None
        )

    def due(self, step: Step) -> datetime:
        """When ``step`` is due, as the plan stands."""
        if step.kind == StepKind.LAST_CALL:
            return self.last_call_at
        if step.kind == StepKind.CLOSING:
            return self.end
        return self.next_due or self.start

    def late_at(self, step: Step) -> datetime:
        """After this moment ``step`` is dropped instead of posted (the module's rule)."""
        if step.kind == StepKind.QUESTION:
            return self.last_call_at
        if step.kind == StepKind.LAST_CALL:
            return self.end - LAST_CALL_MIN
        if step.kind == StepKind.CLOSING:
            return self.end + timedelta(minutes=self.grace)
        return self.end

    def describe(self, step: Step) -> str:
        """Short human name of a step: 'Q3', 'the last call'…"""
        if step.kind == StepKind.QUESTION:
            return f"Q{step.number or self.current_question + 1}"
        return {
            StepKind.WELCOME: "the welcome",
            StepKind.RULES: "the rules",
            StepKind.LAST_CALL: "the last call",
            StepKind.CLOSING: "the closing post",
        }[step.kind]

    # -- time and posts --------------------------------------------------------
    def tick(self, now: datetime, *, posting: bool = True) -> list[Action]:
        """Time passed: drop the steps whose moment has passed, and return the post that is
        due now, if any (one at a time; none while ``posting`` is held)."""
        step = self.next_step()
        if self.status != FlowState.RUNNING or step is None:
            return []
        late = now > self.late_at(step)
        if step.status == StepStatus.POSTING:
            return [self._post(step, late=late)] if posting else []
        if late or (step.kind == StepKind.QUESTION and self.due(step) > self.last_call_at):
            return [self.skipped(step.key), *self.tick(now, posting=posting)]
        if not posting or self.due(step) > now:
            return []
        step.status = StepStatus.POSTING
        if step.kind == StepKind.QUESTION:
            step.number = self._next_number()
        return [self._post(step)]

    def _next_number(self) -> int:
        """The next question's number: one past every number given (a question X refused
        keeps its number, so no two posts share one)."""
        return max((s.number for s in self.steps if s.kind == StepKind.QUESTION), default=0) + 1

    def skipped(self, step_key: str) -> Notice:
        """A step is dropped: its moment passed. Without the closing the chat ends at its
        planned end."""
        step = next(s for s in self.steps if s.key == step_key)
        step.status = StepStatus.DROPPED
        if step.kind == StepKind.QUESTION:
            return Notice(f"No time left for a question; dropped it ({step.key}).")
        if step.kind == StepKind.CLOSING:
            self.status = FlowState.ENDED
        return Notice(f"Too late for {self.describe(step)}; dropped it.")

    def unstart(self, step_key: str) -> None:
        """X refused a step's post outright: it is pending again (and may become late)."""
        step = next(s for s in self.steps if s.key == step_key)
        step.status, step.number = StepStatus.PENDING, 0

    def _post(self, step: Step, *, late: bool = False) -> Post:
        if step.kind == StepKind.RULES:
            reply_to = self._welcome_id()
        elif self.thread:
            reply_to = self._last_post_id()
        else:
            reply_to = None
        return Post(step, reply_to, late)

    def posted(self, step_key: str, *, post_id: int, at: datetime) -> None:
        """A step's post is on X: time the step after it from now. The closing ends the chat."""
        step = next(s for s in self.steps if s.key == step_key)
        step.status, step.post_id, step.posted_at = StepStatus.POSTED, post_id, at
        following = self.next_step()
        if following is not None and following.kind == StepKind.QUESTION:
            self.next_due = at + timedelta(minutes=following.gap)
        if step.kind == StepKind.CLOSING:
            self.status = FlowState.ENDED

    # -- moderators' commands --------------------------------------------------
    def handle(self, command: Command, now: datetime, facts: ChatFacts) -> ControlResult:
        """Apply a moderator's command, or refuse it; say which, and why."""
        step = self.next_step()
        if self.status == FlowState.ENDED or step is None:
            return ControlResult(False, f"{facts.hashtag} has ended.")
        match command:
            case NextNow():
                return self._next_now(step, now)
            case Pause():
                if self.status != FlowState.RUNNING:
                    return ControlResult(False, "The chat is already paused.")
                self.status, self.paused_at = FlowState.PAUSED, now
                return ControlResult(True, f"{facts.hashtag} paused; answers are still collected.")
            case Resume():
                return self._resume(now)
            case Skip():
                if step.kind != StepKind.QUESTION or step.status == StepStatus.POSTING:
                    return ControlResult(False, "The next post is not a question; nothing skipped.")
                step.status = StepStatus.SKIPPED
                return ControlResult(True, f"Skipped the next question: {facts.step_text(step)}")
            case Extend(minutes):
                return self._extend(minutes, facts)
            case Ask(text):
                return self._ask(text.strip(), now, facts)
            case End():
                self._finish(now)
                return ControlResult(True, f"Closing {facts.hashtag} now.")

    def _next_now(self, step: Step, now: datetime) -> ControlResult:
        if self.status == FlowState.PAUSED:
            return ControlResult(False, "The chat is paused: resume it first.")
        if step.kind == StepKind.LAST_CALL:
            self.end = now + timedelta(minutes=self.last_call_lead)
        elif step.kind == StepKind.CLOSING:
            self.end = now
        else:
            self.next_due = now
        return ControlResult(True, f"Posting {self.describe(step)} now; what follows moves up.")

    def _resume(self, now: datetime) -> ControlResult:
        if self.status != FlowState.PAUSED or self.paused_at is None:
            return ControlResult(False, "The chat is not paused.")
        held = now - self.paused_at
        self._shift(held)
        self.status, self.paused_at = FlowState.RUNNING, None
        minutes = round(held.total_seconds() / 60, 1)
        return ControlResult(True, f"Resumed; the rest of the chat moved by {minutes} min.")

    def _extend(self, minutes: int, facts: ChatFacts) -> ControlResult:
        refusal = extend_refusal(minutes)
        if refusal:
            return ControlResult(False, refusal)
        self._shift(timedelta(minutes=minutes))
        end = self.end.astimezone(ZoneInfo(facts.timezone)).strftime("%H:%M")
        return ControlResult(True, f"Extended by {minutes} min; the chat now ends at {end}.")

    def _shift(self, delta: timedelta) -> None:
        self.end += delta
        if self.next_due:
            self.next_due += delta

    def _ask(self, text: str, now: datetime, facts: ChatFacts) -> ControlResult:
        number = self._next_number()
        refusal = ask_refusal(text, number=number, hashtag=facts.hashtag)
        if refusal:
            return ControlResult(False, refusal)
        self.asks += 1
        step = Step(f"ask-{self.asks}", StepKind.QUESTION, text=text)
        following = self.next_step()
        index = self.steps.index(following) if following else len(self.steps)
        # The planned question after it keeps its own gap, counted from the ad-hoc one.
        self.steps.insert(index, step)
        self.next_due = now
        if self.last_call_at < now:
            self.end = now + timedelta(minutes=self.last_call_lead)
        return ControlResult(
            True, f"Posting Q{number} now: {question_text(number, text, facts.hashtag)}"
        )

    def _finish(self, now: datetime) -> None:
        for step in self.pending():
            if (
                step.kind in (StepKind.QUESTION, StepKind.LAST_CALL)
                and step.status == StepStatus.PENDING
            ):
                step.status = StepStatus.DROPPED
        self.end = min(self.end, now)
        if self.status == FlowState.PAUSED:
            self.status, self.paused_at = FlowState.RUNNING, None


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {value!r} in a flow")
