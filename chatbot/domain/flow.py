"""The flow of one chat as a pure state machine: events in, actions out, no I/O.

Welcome → rules → Q1…Qn (each after its gap) → last call → closing. Questions
are timed from the post before them, so posting one early ("next") or late (a
restart) shifts the rest; last call and closing are pinned to the chat's end,
which pauses and extensions move. A question that no longer fits before the
last call is dropped, so a chat joined late posts only what it has time for.
Question numbers are given when a question is posted, so skipped questions
leave no gap and an ad-hoc question takes the next number.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

PENDING, POSTING, POSTED, SKIPPED, DROPPED = "pending", "posting", "posted", "skipped", "dropped"


@dataclass
class Step:
    """One post of the flow; ``gap`` is minutes after the previous posted step."""

    key: str  # plan key: "welcome", "rules", "q-1" (first planned question), "ask-1", …
    kind: str  # "welcome", "rules", "question", "last_call", "closing"
    gap: float = 0.0
    source: int = 0  # index into the question set for planned questions
    text: str = ""  # ad-hoc question text
    status: str = PENDING
    number: int = 0  # the "Qn" number, given when posted
    posted_at: str | None = None
    post_id: int | None = None


@dataclass(frozen=True)
class Post:
    """Action: publish this step now (its text is rendered by the runner)."""

    step: Step
    reply_to: int | None  # the X post to reply to, for threading


@dataclass(frozen=True)
class Notice:
    """Action: tell moderators something."""

    text: str


Action = Post | Notice


@dataclass
class Flow:
    """Where one chat stands; serialisable to JSON for the database."""

    start: datetime
    end: datetime
    last_call_lead: float  # minutes before the end
    thread: bool  # every post replies to the previous one
    steps: list[Step] = field(default_factory=list)
    status: str = "running"  # running, paused, ended
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
    ) -> Flow:
        """Plan a chat starting at ``start``: one interval per question (minutes after it)."""
        steps = [Step("welcome", "welcome"), Step("rules", "rules")]
        gap = float(first_question_after)
        for index, interval in enumerate(intervals):
            steps.append(Step(f"q-{index + 1}", "question", gap=gap, source=index))
            gap = float(interval)
        steps += [Step("last_call", "last_call"), Step("closing", "closing")]
        return cls(
            start=start,
            end=start + duration,
            last_call_lead=last_call_lead,
            thread=thread,
            steps=steps,
            next_due=start,
        )

    def to_json(self) -> str:
        """Serialise for the database."""
        data: dict[str, Any] = asdict(self)
        for name in ("start", "end", "next_due", "paused_at"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Flow:
        """Rebuild a flow stored by ``to_json``."""
        data = json.loads(text)
        for name in ("start", "end", "next_due", "paused_at"):
            data[name] = datetime.fromisoformat(data[name]) if data[name] else None
        data["steps"] = [Step(**s) for s in data["steps"]]
        return cls(**data)

    # -- queries ---------------------------------------------------------------
    def pending(self) -> list[Step]:
        """Steps not yet posted, skipped or dropped, in order."""
        return [s for s in self.steps if s.status in (PENDING, POSTING)]

    def next_step(self) -> Step | None:
        """The step that comes next, if any."""
        pending = self.pending()
        return pending[0] if pending else None

    def posted_questions(self) -> list[Step]:
        """Questions posted so far, in order."""
        return [s for s in self.steps if s.kind == "question" and s.status == POSTED]

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
        posted = [s for s in self.steps if s.status == POSTED and s.post_id]
        return posted[-1].post_id if posted else None

    def _welcome_id(self) -> int | None:
        return next((s.post_id for s in self.steps if s.kind == "welcome" and s.post_id), None)

    def due(self, step: Step) -> datetime:
        """When ``step`` is due, as the plan stands."""
        if step.kind == "last_call":
            return self.last_call_at
        if step.kind == "closing":
            return self.end
        return self.next_due or self.start

    # -- events ----------------------------------------------------------------
    def tick(self, now: datetime) -> list[Action]:
        """Time passed: return the post that is due now, if any (one at a time)."""
        if self.status != "running":
            return []
        step = self.next_step()
        if step is None:
            self.status = "ended"
            return []
        if step.status == POSTING:
            return [self._post(step)]
        due = self.due(step)
        if step.kind == "question" and due > self.last_call_at:
            step.status = DROPPED
            return [
                Notice(f"No time left for a question; dropped it ({step.key})."),
                *self.tick(now),
            ]
        if due > now:
            return []
        step.status = POSTING
        if step.kind == "question":
            step.number = self.current_question + 1
        return [self._post(step)]

    def _post(self, step: Step) -> Post:
        if step.kind == "rules":
            reply_to = self._welcome_id()
        elif self.thread:
            reply_to = self._last_post_id()
        else:
            reply_to = None
        return Post(step, reply_to)

    def posted(self, step_key: str, *, post_id: int, at: datetime) -> None:
        """A step's post is on X: time the step after it from now."""
        step = next(s for s in self.steps if s.key == step_key)
        step.status, step.post_id, step.posted_at = POSTED, post_id, at.isoformat()
        following = self.next_step()
        if following is not None and following.kind == "question":
            self.next_due = at + timedelta(minutes=following.gap)
        if step.kind == "closing":
            self.status = "ended"

    def next_now(self, now: datetime) -> str:
        """Moderator: bring the next step forward to now; return what comes."""
        step = self.next_step()
        if step is None or self.status == "ended":
            return "The chat has ended."
        if step.kind == "last_call":
            self.end = now + timedelta(minutes=self.last_call_lead)
        elif step.kind == "closing":
            self.end = now
        else:
            self.next_due = now
        return self.describe(step)

    def skip(self) -> str:
        """Moderator: drop the next planned question; the one after takes its time."""
        step = self.next_step()
        if step is None or step.kind != "question" or step.status == POSTING:
            return ""
        step.status = SKIPPED
        return self.describe(step)

    def pause(self, now: datetime) -> bool:
        """Moderator: hold every post until resumed."""
        if self.status != "running":
            return False
        self.status, self.paused_at = "paused", now
        return True

    def resume(self, now: datetime) -> timedelta | None:
        """Moderator: carry on; everything still to come moves by the pause's length."""
        if self.status != "paused" or self.paused_at is None:
            return None
        held = now - self.paused_at
        self.end += held
        if self.next_due:
            self.next_due += held
        self.status, self.paused_at = "running", None
        return held

    def extend(self, minutes: float) -> None:
        """Moderator: give the current question (and the chat) more minutes."""
        delta = timedelta(minutes=minutes)
        self.end += delta
        if self.next_due:
            self.next_due += delta

    def ask(self, text: str, now: datetime) -> Step:
        """Moderator: post an ad-hoc question now, before whatever comes next."""
        self.asks += 1
        step = Step(f"ask-{self.asks}", "question", text=text)
        following = self.next_step()
        index = self.steps.index(following) if following else len(self.steps)
        # The planned question after it keeps its own gap, counted from the ad-hoc one.
        self.steps.insert(index, step)
        self.next_due = now
        if self.last_call_at < now:
            self.end = now + timedelta(minutes=self.last_call_lead)
        return step

    def finish(self, now: datetime) -> None:
        """Moderator: close now; remaining questions and the last call are dropped."""
        for step in self.pending():
            if step.kind in ("question", "last_call") and step.status == PENDING:
                step.status = DROPPED
        self.end = min(self.end, now)
        if self.status == "paused":
            self.status, self.paused_at = "running", None

    def describe(self, step: Step) -> str:
        """Short human name of a step: 'Q3', 'the last call'…"""
        if step.kind == "question":
            return f"Q{step.number or self.current_question + 1}"
        return {
            "welcome": "the welcome",
            "rules": "the rules",
            "last_call": "the last call",
            "closing": "the closing post",
        }[step.kind]
