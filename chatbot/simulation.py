"""Simulated participants for the demo and the tests: a crowd that answers on the emulator.

Each persona answers the live question in the ways real participants do: labelled
(A1:, a1, A 1, A1a, Q1 A1, Answer 1:, full-width Ａ１：, keycap A1️⃣, in the chat's
own letter), replying to the question or to someone's answer, or unlabelled while
the question is live; after the last call some catch up on earlier questions. They
also greet, thank, cheer and ask back, retweet an answer now and then, and one is a
spammer. Replies start with the conversation's @mentions, as X's apps write them.
The crowd records what each post really answers and how the bot should find it
(``methods``), so tests can measure the bot's reading.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.emulator.common.people import (
    ANSWERS,
    CHATTER,
    FULL_WIDTH,
    GREETINGS,
    LABELS,
    PERSONAS,
    REPLIES,
    SPAM,
    SPAMMER,
    question_number,
)
from chatbot.emulator.x import XEmulator

__all__ = [
    "ANSWERS",
    "CHATTER",
    "FULL_WIDTH",
    "GREETINGS",
    "LABELS",
    "PERSONAS",
    "REPLIES",
    "SPAM",
    "SPAMMER",
    "Crowd",
]


@dataclass
class Crowd:
    """Participants posting to the emulator, with the truth of what each post answers."""

    emulator: XEmulator
    hashtag: str
    host_id: int
    seed: int = 7
    size: int = len(PERSONAS)
    include_spammer: bool = True
    answer_letter: str = "A"
    truth: dict[int, int] = field(default_factory=dict)  # post id -> question (0: general)
    methods: dict[int, str] = field(default_factory=dict)  # post id -> how it should be found
    parents: dict[int, int | None] = field(default_factory=dict)
    spam: set[int] = field(default_factory=set)
    retweets: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.people = PERSONAS[: self.size]
        for username, name, followers in [*self.people, SPAMMER]:
            self.emulator.add_user(username, name=name, followers_count=followers)
        self._answers: dict[int, list[int]] = {}  # question -> answer post ids

    def questions(self) -> tuple[dict[int, int], int]:
        """The questions the host has posted so far (number -> post id), and the live one:
        the newest post of the host's thread when it is a question, else 0."""
        found: dict[int, int] = {}
        live: int | None = None
        for post in self.emulator.state.store.timeline(self.host_id):  # newest first
            if post.in_reply_to_user_id not in (None, self.host_id) or post.quoted_post_id:
                continue  # the host talking to someone: no part of the chat's thread
            number = question_number(post.text)
            if live is None:
                live = number or 0
            if number is not None:
                found.setdefault(number, post.id)
        return found, live or 0

    def act(self, now: datetime, *, intensity: float = 0.25) -> int:
        """Let each persona maybe post once at ``now``; return how many posted."""
        questions, live = self.questions()
        made = 0
        for username, _name, _followers in self.people:
            if self.rng.random() < intensity:
                self._post_once(username, questions, live, now)
                made += 1
        if self.include_spammer and self.rng.random() < 0.1:
            label = self._label(max(questions)) if questions else ""
            text = self.rng.choice(SPAM).format(hashtag=self.hashtag, label=label)
            self.spam.add(self._add(SPAMMER[0], text, now, question=0, method="general"))
            made += 1
        return made

    def _label(self, number: int) -> str:
        letter = self.answer_letter
        return self.rng.choice(LABELS).format(
            L=letter.upper(),
            l=letter.lower(),
            n=number,
            W=f"{letter.upper()}{number}:".translate(FULL_WIDTH),
        )

    def _post_once(
        self, username: str, questions: dict[int, int], live: int, now: datetime
    ) -> None:
        rng, tag = self.rng, self.hashtag
        current = max(questions) if questions else 0
        if self._answers.get(current) and rng.random() < 0.06:
            original = rng.choice(self._answers[current])
            self.retweets.add(
                self.emulator.add_post(username, "", created_at=now, retweet_of=original)
            )
            return
        roll = rng.random()
        if not current or roll < 0.1 or (roll >= 0.75 and not self._answers.get(current)):
            chatter = rng.choice(CHATTER if current else GREETINGS).format(n=current)
            self._add(username, f"{chatter} {tag}", now, question=0, method="general")
        elif roll < 0.5 or (roll < 0.75 and not live):
            # Labelled; once the last call is out, some catch up on an earlier question.
            number = current if live else rng.choice(sorted(questions))
            text = f"{self._label(number)}{rng.choice(ANSWERS)} {tag}"
            # Many answer from the question's own reply box: X shows "@host A1: …".
            parent = questions[number] if rng.random() < 0.3 else None
            self._add(
                username,
                text,
                now,
                question=number,
                method="label",
                parent=parent,
                repliable=True,
            )
        elif roll < 0.58:
            text = f"{rng.choice(ANSWERS)} {tag}"
            self._add(
                username,
                text,
                now,
                question=current,
                method="reply_to_question",
                parent=questions[current],
                repliable=True,
            )
        elif roll < 0.75:
            text = f"{rng.choice(ANSWERS)} {tag}"
            self._add(username, text, now, question=live, method="window", repliable=True)
        else:
            parent = rng.choice(self._answers[current])
            text = f"{rng.choice(REPLIES)} {tag}"
            repliable = rng.random() < 0.5  # some replies draw replies of their own
            self._add(
                username,
                text,
                now,
                question=current,
                method="inherited",
                parent=parent,
                repliable=repliable,
            )

    def _add(
        self,
        username: str,
        text: str,
        now: datetime,
        *,
        question: int,
        method: str,
        parent: int | None = None,
        repliable: bool = False,
    ) -> int:
        """Post, record the truth, and keep answers that others may reply to."""
        pid = self.emulator.add_post(username, text, created_at=now, reply_to=parent)
        self.truth[pid], self.parents[pid], self.methods[pid] = question, parent, method
        if repliable:
            self._answers.setdefault(question, []).append(pid)
        return pid
