"""Simulated participants on the emulated Bluesky, for the demo and the tests.

The same people, answers and label styles as the X crowd
(``chatbot.emulator.common.people``), posted the Bluesky way: handles such as
``ana-bakes.bsky.social``, replies with root and parent refs and no @-prefix, facets from
the app (and now and then a client that sends none, so the hashtag is only in the text:
search by tag does not find those, Jetstream still carries them). ``truth`` records what
each post really answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.emulator.bluesky.server import BlueskyEmulator
from chatbot.emulator.common.people import (
    ANSWERS,
    CHATTER,
    FULL_WIDTH,
    GREETINGS,
    LABELS,
    PERSONAS,
    REPLIES,
    question_number,
)


def handle_of(username: str) -> str:
    """A persona's Bluesky handle (handles allow hyphens, not underscores)."""
    return f"{username.replace('_', '-')}.bsky.social"


@dataclass
class BlueskyCrowd:
    """Participants posting to a BlueskyEmulator, with the truth of what each post answers.

    ``methods`` says how the bot should find each answer: "label", "reply_to_question",
    "window" (unlabelled while the question is live), "inherited" (a reply to an answer)
    or "general" (no answer).
    """

    emulator: BlueskyEmulator
    hashtag: str
    seed: int = 7
    size: int = len(PERSONAS)
    answer_letter: str = "A"
    bare_text_share: float = 0.1  # posts from a client that sends no facets
    truth: dict[str, int] = field(default_factory=dict)  # post URI -> question (0: none)
    methods: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.people = [handle_of(name) for name, _, _ in PERSONAS[: self.size]]
        for (_, name, followers), handle in zip(PERSONAS, self.people, strict=False):
            self.emulator.add_account(handle, display_name=name, followers=followers)
        self._answers: dict[int, list[str]] = {}

    def questions(self) -> tuple[dict[int, str], int]:
        """The host's questions so far (number -> URI) and the live one: the host's newest
        post when it is a question, else 0."""
        store = self.emulator.state.store
        found: dict[int, str] = {}
        live: int | None = None
        for post in reversed(store.posts_by(self.emulator.host_did)):  # newest first
            parent = store.post_at(post.reply_ref("parent") or "")
            if parent is not None and parent.did != self.emulator.host_did:
                continue  # the host answering someone: not the chat's thread
            number = question_number(post.text)
            if live is None:
                live = number or 0
            if number is not None:
                found.setdefault(number, post.uri)
        return found, live or 0

    def act(self, now: datetime, *, intensity: float = 0.25) -> int:
        """Let each person maybe post once at ``now``; return how many posted."""
        questions, live = self.questions()
        made = 0
        for handle in self.people:
            if self.rng.random() < intensity:
                self._post_once(handle, questions, live, now)
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

    def _post_once(self, handle: str, questions: dict[int, str], live: int, now: datetime) -> None:
        rng, tag = self.rng, self.hashtag
        current = max(questions) if questions else 0
        earlier = self._answers.get(current)
        roll = rng.random()
        if not current or roll < 0.1:
            chatter = rng.choice(CHATTER if current else GREETINGS).format(n=current)
            self._add(handle, f"{chatter} {tag}", now, 0, "general")
        elif roll < 0.5 or not live:
            number = current if live else rng.choice(sorted(questions))
            parent = questions[number] if rng.random() < 0.3 else None
            text = f"{self._label(number)}{rng.choice(ANSWERS)} {tag}"
            self._add(handle, text, now, number, "label", parent=parent, repliable=True)
        elif roll < 0.6:
            text = f"{rng.choice(ANSWERS)} {tag}"
            self._add(
                handle,
                text,
                now,
                current,
                "reply_to_question",
                parent=questions[current],
                repliable=True,
            )
        elif roll < 0.8 or not earlier:
            text = f"{rng.choice(ANSWERS)} {tag}"
            self._add(handle, text, now, live, "window", repliable=True)
        else:
            text = f"{rng.choice(REPLIES)} {tag}"
            self._add(
                handle,
                text,
                now,
                current,
                "inherited",
                parent=rng.choice(earlier),
                repliable=rng.random() < 0.5,
            )

    def _add(
        self,
        handle: str,
        text: str,
        now: datetime,
        question: int,
        method: str,
        *,
        parent: str | None = None,
        repliable: bool = False,
    ) -> str:
        """Post, record the truth, and keep answers that others may reply to."""
        facets = self.rng.random() >= self.bare_text_share
        uri = self.emulator.add_post(handle, text, reply_to=parent, created_at=now, facets=facets)
        self.truth[uri], self.parents[uri], self.methods[uri] = question, parent, method
        if repliable:
            self._answers.setdefault(question, []).append(uri)
        return uri
