"""The simulated people the emulators' crowds are made of: who they are, what they write,
and how they read the host's questions (with a pattern of their own, not the bot's)."""

from __future__ import annotations

import re

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

# A host's question post starts "Q3:" (or "Q3." / "Q3)"); participants read it by eye.
_QUESTION = re.compile(r"^\s*Q\s?([0-9]{1,2})\s*[:.)-]")


def question_number(text: str) -> int | None:
    """The n of a host post that starts with "Qn:", else None."""
    match = _QUESTION.match(text)
    return int(match.group(1)) if match else None
