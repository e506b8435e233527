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

from chatbot.domain.labels import question_number_of_host_post
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
SPAM = [
    "🔥 Buy 10k followers cheap!! {hashtag}",
    "{hashtag} https://bit.ly/3gr0wth",
    "{label}BUY FOLLOWERS NOW, real accounts {hashtag}",
]
# {L} and {l}: the chat's answer letter; {W}: the label in full-width characters.
LABELS = [
    "{L}{n}: ", "{l}{n}: ", "{L}{n}. ", "{L}{n}) ", "{L} {n} ", "{L}{n}a ", "Q{n} {L}{n}: ",
    "{L}{n} ", "Answer {n}: ", "{W} ", "{L}{n}\ufe0f\u20e3 ",
]  # fmt: skip
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
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
    # Answers that only look labelled: none of these names a question.
    "our A4 flyers still bring in more walk-ins than any post",
    "a 10% discount for a review works wonders",
    "I gave them an A1 reply within minutes and they came back twice",
]
GREETINGS = [
    "Hi everyone! 👋 Excited to be here",
    "Evening all, grabbing my tea ☕",
    "Hello from Toronto! 🇨🇦",
    "こんばんは！",
]
# Greetings, thanks, questions back and cheers: no answer, even while a question is live.
CHATTER = [
    *GREETINGS,
    "Great question!",
    "Love this chat every week 🙌",
    "Thanks everyone, great chat tonight!",
    "Who else is here tonight?",
    "Yes!!",
    "👏👏👏",
    "Q{n} is a tough one 🤔",
]
REPLIES = [
    "So true! 👏",
    "Same here, totally agree",
    "Ooh, how did you start with that?",
    "Great tip, stealing this 😄",
    "This is the way.",
    "Thanks for sharing!",
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
            number = question_number_of_host_post(post.text)
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
