"""Simulated participants for the demo and the tests: a crowd that answers on the emulator.

Each persona answers the current question in the ways real participants do
(A1:, a1, A 1, A1a, Q1 A1…), replies to the question or to someone's answer,
replies to replies (X starts each reply with the conversation's @mentions, as its
apps do), retweets an answer now and then, says hello without a label; one is a
spammer. The crowd records what each post really answers, so tests can check the
bot's reading; retweets answer nothing and are kept apart.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.emulator.x import XEmulator

PERSONAS = [
    ("ana_bakes", "Ana · Sweet Crumbs Bakery", 1200), ("bo_builds", "Bo Builds Decks", 340),
    ("cleo_codes", "Cleo Codes Shopify", 5100), ("dev_designs", "Dev Design Studio", 870),
    ("emi_florals", "Emi Florals 🌸", 2300), ("farid_fitness", "Farid Fitness", 15000),
    ("gia_gelato", "Gia's Gelato", 640), ("hana_tea", "Hana 茶屋", 410),
    ("ivan_ink", "Ivan Ink Tattoo", 3300), ("jo_joinery", "Jo Joinery", 150),
    ("kemi_kicks", "Kemi Kicks", 9100), ("lars_lab", "Lars Lab Coffee", 760),
    ("maya_media", "Maya Media Co", 22000), ("nico_nails", "Nico Nails", 530),
    ("olu_organic", "Olu Organic Farm", 1900), ("pia_pets", "Pia's Pet Spa", 280),
    ("quinn_quilts", "Quinn Quilts", 95), ("rosa_rent", "Rosa Rentals", 1400),
    ("sami_shoes", "Sami Shoes", 3900), ("tomo_tours", "Tomo Tours 東京", 2600),
    ("uma_upcycle", "Uma Upcycle", 720), ("vik_vinyl", "Vik's Vinyl", 1800),
    ("wen_wellness", "Wen Wellness", 4400), ("xavi_xpress", "Xavi Xpress", 330),
    ("yara_yoga", "Yara Yoga", 6100), ("zoe_zines", "Zoë Zines", 210),
    ("amir_auto", "Amir Auto Repair", 980), ("bea_books", "Bea's Books", 3100),
    ("carl_candles", "Carl Candles", 450), ("dina_dental", "Dina Dental", 1250),
    ("eli_events", "Eli Events", 2750), ("fatima_fabric", "Fatima Fabrics", 1650),
]  # fmt: skip
SPAMMER = ("cheap_followers_4u", "BUY FOLLOWERS", 12)
LABELS = ["A{n}: ", "a{n}: ", "A{n}. ", "A{n}) ", "A {n} ", "A{n}a ", "Q{n} A{n}: ", "A{n} "]
ANSWERS = [
    "we reply to every comment within the hour and it shows 💬",
    "Instagram stories with polls, hands down. People love to vote!",
    "behind-the-scenes videos of the kitchen get the most love 🍰",
    "honestly still figuring it out, but consistency helped a lot",
    "we repost customer photos every Friday, they feel seen ✨",
    "LinkedIn for B2B, TikTok for fun. Different crowds entirely.",
    "お客様の声を毎週シェアしています — sharing reviews weekly",
    "a slow reply cost us a wedding order once. Never again!",
    "Ask questions in captions, people answer. Simple but it works.",
    "a giveaway flopped: lots of entries, zero real customers 😅",
]
CHATTER = [
    "Hi everyone! 👋 Excited to be here",
    "Evening all, grabbing my tea ☕",
    "Great question!",
    "Love this chat every week 🙌",
]
REPLIES = [
    "So true! 👏",
    "Same here, totally agree",
    "Ooh, how did you start with that?",
    "Great tip, stealing this 😄",
    "This is the way.",
    "Thanks for sharing!",
]
_Q = re.compile(r"^Q(\d+):")


@dataclass
class Crowd:
    """Participants posting to the emulator, with the truth of what each post answers."""

    emulator: XEmulator
    hashtag: str
    host_id: int
    seed: int = 7
    size: int = len(PERSONAS)
    include_spammer: bool = True
    truth: dict[int, int] = field(default_factory=dict)  # post id -> question (0: general)
    parents: dict[int, int | None] = field(default_factory=dict)
    spam: set[int] = field(default_factory=set)
    retweets: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.people = PERSONAS[: self.size]
        for username, name, followers in [*self.people, SPAMMER]:
            self.emulator.add_user(username, name=name, followers_count=followers)
        self._answers: dict[int, list[int]] = {}  # question -> answer post ids

    def questions(self) -> dict[int, int]:
        """The questions the host has posted so far: number -> post id."""
        found = {}
        for post in self.emulator.posts():
            match = _Q.match(post["text"])
            if match and int(post["author_id"]) == self.host_id:
                found[int(match.group(1))] = int(post["id"])
        return found

    def act(self, now: datetime, *, intensity: float = 0.25) -> int:
        """Let each persona maybe post once at ``now``; return how many posted."""
        questions = self.questions()
        made = 0
        for username, _name, _followers in self.people:
            if self.rng.random() < intensity:
                self._post_once(username, questions, now)
                made += 1
        if self.include_spammer and self.rng.random() < 0.1:
            pid = self.emulator.add_post(
                SPAMMER[0], f"🔥 Buy 10k followers cheap!! {self.hashtag}", created_at=now
            )
            self.truth[pid], self.parents[pid] = 0, None
            self.spam.add(pid)
            made += 1
        return made

    def _post_once(self, username: str, questions: dict[int, int], now: datetime) -> None:
        rng = self.rng
        current = max(questions) if questions else 0
        if self._answers.get(current) and rng.random() < 0.06:
            original = rng.choice(self._answers[current])
            self.retweets.add(
                self.emulator.add_post(username, "", created_at=now, retweet_of=original)
            )
            return
        roll = rng.random()
        if not current or roll < 0.08:
            self._add(username, f"{rng.choice(CHATTER)} {self.hashtag}", now, 0, None)
        elif roll < 0.62:
            label = rng.choice(LABELS).format(n=current)
            # Many answer from the question's own reply box: X shows "@host A1: …".
            parent = questions[current] if rng.random() < 0.3 else None
            pid = self._add(
                username, f"{label}{rng.choice(ANSWERS)} {self.hashtag}", now, current, parent
            )
            self._answers.setdefault(current, []).append(pid)
        elif roll < 0.72:
            pid = self._add(
                username, f"{rng.choice(ANSWERS)} {self.hashtag}", now, current, questions[current]
            )
            self._answers.setdefault(current, []).append(pid)
        elif self._answers.get(current):
            parent = rng.choice(self._answers[current])
            pid = self._add(username, f"{rng.choice(REPLIES)} {self.hashtag}", now, current, parent)
            if rng.random() < 0.5:  # some replies draw replies of their own
                self._answers[current].append(pid)
        else:
            self._add(username, f"{rng.choice(CHATTER)} {self.hashtag}", now, 0, None)

    def _add(
        self, username: str, text: str, now: datetime, question: int, parent: int | None
    ) -> int:
        pid = self.emulator.add_post(username, text, created_at=now, reply_to=parent)
        self.truth[pid], self.parents[pid] = question, parent
        return pid
