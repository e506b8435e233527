"""A post's weighted length as X counts it, written from twitter-text's ``config/v3.json``.

The v3 rules: the text is NFC-normalised first; then each code point weighs 100 units
when it falls in one of the ranges 0-4351, 8192-8205, 8208-8223 or 8242-8247 (Latin and
most alphabets, some punctuation and spaces) and 200 otherwise (CJK, most symbols); an
emoji sequence (flags, keycaps, skin tones, ZWJ families, tag sequences) weighs 200 as a
whole; every link weighs 23 characters (``transformedURLLength``: its t.co form). The
length is the units divided by the scale, 100; a post may have 280 (``MAX_WEIGHTED_LENGTH``).

Emoji are found by Unicode's emoji properties (UTS #51): an Extended_Pictographic or
Emoji_Presentation character with its modifier and VS16 (U+FE0F), a keycap (with or
without VS16, as the conformance data's ``1⃣``), a pair of regional indicators, a tag
sequence, and ZWJ sequences of those. So ``©`` counts 2 as an emoji, as twitter-text's
emoji table has it.
"""

from __future__ import annotations

import unicodedata

import regex

from chatbot.emulator.x.links import links_in

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
URL_LENGTH = 23
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")

_FLAG = r"\p{Regional_Indicator}{2}"
_KEYCAP = r"[0-9#*]\uFE0F?\u20E3"
_TAG = r"\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
_ELEMENT = r"\p{Extended_Pictographic}\p{Emoji_Modifier}?\uFE0F?"
_SINGLE = r"\p{Emoji_Presentation}\p{Emoji_Modifier}?\uFE0F?|\p{Emoji}\uFE0F"
EMOJI = regex.compile(rf"{_FLAG}|{_KEYCAP}|{_TAG}|{_ELEMENT}(?:\u200D{_ELEMENT})*|{_SINGLE}")


def _weight(char: str) -> int:
    point = ord(char)
    light = any(start <= point <= end for start, end in LIGHT_RANGES)
    return SCALE if light else DEFAULT_WEIGHT


def weighted_length(text: str) -> int:
    """The length of ``text`` as X counts it (links 23, CJK and emoji 2, NFC first)."""
    text = unicodedata.normalize("NFC", text)
    # Spans that weigh as one: links first, then emoji outside them.
    heavy: dict[int, tuple[int, int]] = {
        link.start: (link.end, URL_LENGTH * SCALE) for link in links_in(text)
    }
    for match in EMOJI.finditer(text):
        if not any(start <= match.start() < end for start, (end, _) in heavy.items()):
            heavy[match.start()] = (match.end(), DEFAULT_WEIGHT)
    units = position = 0
    while position < len(text):
        if position in heavy:
            position, weight = heavy[position]
            units += weight
        else:
            units += _weight(text[position])
            position += 1
    return units // SCALE


def is_valid(text: str) -> bool:
    """True when X accepts ``text`` as a post: not empty, no invalid characters, 280 at most."""
    if not text.strip() or INVALID_CHARACTERS & set(text):
        return False
    return weighted_length(text) <= MAX_WEIGHTED_LENGTH
