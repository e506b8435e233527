"""Whether a post reads as an answer: greetings, thanks, questions back, cheers and spam do not.

Used to infer unlabelled answers, so it errs on the side of counting: a post is an
answer when any sentence in it says something besides those. Spam is never an answer.
"""

from __future__ import annotations

import re

from chatbot.domain.labels import normalise

_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_TAG_OR_MENTION = re.compile(r"(?<!\w)[@#]\w+")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_SENTENCE = re.compile(r"([^.!?…。\n]+)([.!?…。]*)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
HASHTAG_STUFFING = 5  # this many hashtags in one post is promotion, not conversation

_SPAM = re.compile(
    r"""\b(?:buy|cheap|free|instant)\b\W+(?:\w+\W+){0,3}?(?:followers|likes|views)\b
    | \b(?:followers|likes|views)\b\W+(?:\w+\W+){0,2}?(?:cheap|fast|instantly)\b
    | \bclick\s+(?:here|the\s+link|my\s+link)\b
    | \blink\s+in\s+(?:my\s+)?bio\b
    | \b(?:dm|message)\s+(?:me|us)\s+(?:for|to\s+(?:buy|order|get))\b
    | \b(?:crypto|forex|airdrop|casino)\b
    | \bmake\s+money\b | \bearn\s+\$""",
    re.IGNORECASE | re.VERBOSE,
)
# A sentence that opens with one of these and adds at most a few words is small talk.
_SMALL_TALK = re.compile(
    r"""^(?:hi|hello|hey|hiya|howdy|greetings|yo|welcome|hola|buenas|saludos|bonjour|salut
    | good\s(?:morning|afternoon|evening|night)|morning|evening|afternoon
    | (?:excited|glad|happy|thrilled)\sto\s(?:be|join|see)|joining|lurking|checking\sin
    | here\s(?:from|for|tonight|today|again)|just\s(?:saying\s(?:hi|hello)|popping\sin)
    | thanks\sto\s(?:all|everyone|you)|thank(?:s|\syou)(?!\sto\b)|thx|ty|cheers|gracias|merci
    | (?:great|good|nice|lovely|awesome|amazing|excellent|fantastic|wonderful|brilliant|fun
       |interesting|tough|hard)\s(?:question|q|chat|point|answer|tip|idea|one|share|thread|stuff)s?
    | love\s(?:this|that|it|these|the)|well\ssaid|so\s(?:true|good|cool)|same\shere
    | (?:i\s|totally\s)?agree|this\sis\sthe\sway
    | q\s?\d{1,2}\s(?:is|was)
    | bye|goodbye|see\s(?:you|ya)|night\sall|until\snext\stime)\b
    | ^(?:こんにちは|こんばんは|おはよう|ありがとう|你好|大家好|谢谢)""",
    re.VERBOSE,
)
_SMALL_TALK_WORDS = 4
# One-word cheers ("Yes!", "This!", "Same", "Me too"): small talk only on their own.
_CHEER = re.compile(
    r"""^(?:yes|yep|yeah|yup|this|same|agreed?|exactly|totally|absolutely|true|indeed|ditto
    | wow|lol|lmao|(?:ha)+|omg|congrats|bravo|preach|facts|cool|nice|awesome|amazing|love
    | me\stoo|\+1|100)\b""",
    re.VERBOSE,
)
_CHEER_WORDS = 1
# Every alternative of _SPAM needs one of these words: a post without any (most posts)
# is not searched. Lower case as _SPAM's IGNORECASE reads it: it also takes the Turkish
# dotted and dotless I for "i" (and the long s, which NFKC has made "s" already: ``plain``
# is normalised).
_SPAM_WORDS = (
    "followers", "likes", "views", "click", "link", "dm", "message", "crypto", "forex",
    "airdrop", "casino", "make", "earn",
)  # fmt: skip
_SPAM_WORD = re.compile("|".join(_SPAM_WORDS))  # on lower-case text: no IGNORECASE


def is_spam(text: str) -> bool:
    """True for promotion: selling followers, "click here", crypto, hashtag stuffing."""
    return _spam(normalise(text))


def _spam(plain: str) -> bool:
    if plain.count("#") >= HASHTAG_STUFFING and len(_HASHTAG.findall(plain)) >= HASHTAG_STUFFING:
        return True
    folded = plain.lower()
    if "\u0131" in folded or "\u0307" in folded:  # "ı", and "İ" lowered to "i" + U+0307
        folded = folded.replace("\u0131", "i").replace("i\u0307", "i")
    return bool(_SPAM_WORD.search(folded)) and bool(_SPAM.search(plain))


def reads_as_answer(text: str) -> bool:
    """True when a post says something besides greetings, thanks, questions back, one-word
    cheers, links, mentions and hashtags, and is not spam."""
    return substance(text) > 0


def substance(text: str) -> int:
    """How many words a post says besides greetings, thanks, questions, cheers, links,
    mentions and hashtags (0 for spam): a one-liner says a few, an answer more."""
    plain = normalise(text)
    if _spam(plain):
        return 0
    return sum(_words_said(body, end) for body, end in _sentences(plain))


def asks(text: str) -> bool:
    """True when a post asks something: one of its sentences ends with a question mark."""
    return any("?" in end and _WORD.search(body) for body, end in _sentences(normalise(text)))


def _sentences(plain: str) -> list[tuple[str, str]]:
    """(words, end punctuation) of each sentence of a normalised text, less links, mentions
    and hashtags."""
    if "://" in plain or "www." in plain.lower():  # what _URL needs
        plain = _URL.sub(" ", plain)
    if "@" in plain or "#" in plain:
        plain = _TAG_OR_MENTION.sub(" ", plain)
    return _SENTENCE.findall(plain)


def _words_said(body: str, end: str) -> int:
    """The words a sentence says, or 0 for a question, small talk or a cheer."""
    words = _WORD.findall(body)
    if not words or "?" in end:
        return 0
    spoken = " ".join(words).lower()
    for pattern, allowed in ((_SMALL_TALK, _SMALL_TALK_WORDS), (_CHEER, _CHEER_WORDS)):
        match = pattern.match(spoken)
        if match and len(_WORD.findall(spoken[match.end() :])) <= allowed:
            return 0
    return len(words)
