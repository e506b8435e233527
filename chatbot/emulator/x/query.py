"""The recent-search query language: a parser into a tree and a matcher over post facts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 512
_WORD = re.compile(r"[\w']+", re.UNICODE)
# Operators that may stand alone; the others (is:, has:, lang:) need a standalone term.
_STANDALONE_OPS = frozenset(
    {
        "from", "to", "conversation_id", "url", "retweets_of", "in_reply_to_tweet_id",
        "retweets_of_tweet_id", "quotes_of_tweet_id",
    }
)  # fmt: skip
_ID_OPS = frozenset(
    {"conversation_id", "in_reply_to_tweet_id", "retweets_of_tweet_id", "quotes_of_tweet_id"}
)
_IS_VALUES = frozenset({"retweet", "reply", "quote", "verified"})
_HAS_VALUES = frozenset({"links", "mentions", "hashtags", "media", "images"})


class QueryError(ValueError):
    """The query is not valid; the message is what X puts in its 400 body."""


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the matcher knows about one post, all lower-cased where X ignores case."""

    words: tuple[str, ...]
    hashtags: frozenset[str]
    mentions: frozenset[str]
    author_username: str
    author_id: int
    reply_to_username: str | None
    conversation_id: int
    is_reply: bool
    is_retweet: bool
    is_quote: bool
    urls: tuple[str, ...] = ()
    has_media: bool = False
    lang: str = "en"
    author_verified: bool = False
    replied_post_id: int | None = None
    quoted_post_id: int | None = None
    retweeted_post_id: int | None = None
    retweeted_username: str | None = None


def words_of(text: str) -> tuple[str, ...]:
    """Split text into lower-case words the way keyword matching sees them."""
    return tuple(word.lower() for word in _WORD.findall(text))


@dataclass(frozen=True, slots=True)
class Node:
    """One node of a parsed query: a term, a negation, or an AND/OR of children."""

    kind: str  # "term", "not", "and", "or"
    test: Callable[[PostFacts], bool] | None = None
    children: tuple[Node, ...] = field(default_factory=tuple)
    standalone: bool = False

    def matches(self, post: PostFacts) -> bool:
        """Return True when ``post`` satisfies this (sub)query."""
        if self.kind == "term":
            assert self.test is not None
            return self.test(post)
        if self.kind == "not":
            return not self.children[0].matches(post)
        if self.kind == "and":
            return all(child.matches(post) for child in self.children)
        return any(child.matches(post) for child in self.children)

    def has_positive_standalone(self) -> bool:
        """Return True when the query asks for something X can search by itself."""
        if self.kind == "term":
            return self.standalone
        if self.kind == "not":
            return False
        if self.kind == "and":
            return any(child.has_positive_standalone() for child in self.children)
        return all(child.has_positive_standalone() for child in self.children)


_TOKEN = re.compile(r'\s+|\(|\)|-?"[^"]*"?|-?[^\s()"]+')


def _tokenize(query: str) -> list[str]:
    # Every character belongs to some alternative of _TOKEN, so nothing is lost here.
    return [tok for tok in _TOKEN.findall(query) if not tok.isspace()]


def parse_query(query: str) -> Node:
    """Parse a recent-search query; raise QueryError with X-like wording when it is invalid."""
    if not query.strip():
        raise QueryError("The `query` parameter can not be empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"The `query` parameter value is too long (max {MAX_QUERY_LENGTH})")
    parser = _Parser(_tokenize(query))
    tree = parser.parse_or()
    if parser.pos != len(parser.tokens):
        raise QueryError(
            "There were errors processing your request: "
            f"unexpected '{parser.tokens[parser.pos]}' (at position {parser.pos + 1})"
        )
    if not tree.has_positive_standalone():
        raise QueryError(
            "There were errors processing your request: Rules must contain a "
            "non-negation term that is not a conjunction-required operator"
        )
    return tree


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self) -> Node:
        branches = [self.parse_and()]
        while self._peek() == "OR":
            self.pos += 1
            branches.append(self.parse_and())
        return branches[0] if len(branches) == 1 else Node("or", children=tuple(branches))

    def parse_and(self) -> Node:
        parts: list[Node] = []
        while (token := self._peek()) is not None and token not in (")", "OR"):
            parts.append(self.parse_unary())
        if not parts:
            where = self._peek() or "end of query"
            raise QueryError(
                f"There were errors processing your request: expected a term before '{where}'"
            )
        return parts[0] if len(parts) == 1 else Node("and", children=tuple(parts))

    def parse_unary(self) -> Node:
        token = self.tokens[self.pos]
        if token == "(":
            self.pos += 1
            inner = self.parse_or()
            if self._peek() != ")":
                raise QueryError("There were errors processing your request: missing ')'")
            self.pos += 1
            return inner
        self.pos += 1
        if token == "-" and self._peek() == "(":
            return Node("not", children=(self.parse_unary(),))
        if token.startswith("-"):
            if token == "-":
                raise QueryError("There were errors processing your request: lone '-'")
            return Node("not", children=(_term(token[1:]),))
        return _term(token)


def _term(token: str) -> Node:
    if token.startswith('"'):
        if len(token) < 2 or not token.endswith('"'):
            raise QueryError("There were errors processing your request: unterminated quote")
        phrase = words_of(token[1:-1])
        if not phrase:
            raise QueryError("There were errors processing your request: empty phrase")
        return Node("term", test=lambda p: _contains(p.words, phrase), standalone=True)
    if token.startswith("#") and len(token) > 1:
        tag = token[1:].lower()
        return Node("term", test=lambda p: tag in p.hashtags, standalone=True)
    if token.startswith("@") and len(token) > 1:
        name = token[1:].lower()
        return Node("term", test=lambda p: name in p.mentions, standalone=True)
    name, colon, value = token.partition(":")
    if colon and name and re.fullmatch(r"[a-z_]+", name):
        return _operator(name, value)
    words = words_of(token)
    if not words:
        raise QueryError(f"There were errors processing your request: invalid term '{token}'")
    return Node("term", test=lambda p: _contains(p.words, words), standalone=True)


def _operator(name: str, value: str) -> Node:
    if not value:
        raise QueryError(f"There were errors processing your request: '{name}:' needs a value")
    lowered = value.lower()
    test: Callable[[PostFacts], bool]
    if name == "from":
        test = lambda p: p.author_username == lowered or str(p.author_id) == value  # noqa: E731
    elif name == "to":
        test = lambda p: p.reply_to_username == lowered  # noqa: E731
    elif name in _ID_OPS:
        if not value.isdigit():
            raise QueryError(f"There were errors processing your request: invalid id '{value}'")
        test = _id_test(name, int(value))
    elif name == "retweets_of":
        test = lambda p: p.retweeted_username == lowered  # noqa: E731
    elif name == "url":
        test = lambda p: any(lowered in url.lower() for url in p.urls)  # noqa: E731
    elif name == "lang":
        test = lambda p: p.lang == lowered  # noqa: E731
    elif name == "is" and lowered in _IS_VALUES:
        test = _IS_TESTS[lowered]
    elif name == "has" and lowered in _HAS_VALUES:
        test = _HAS_TESTS[lowered]
    else:
        raise QueryError(
            "There were errors processing your request: "
            f"Reference to invalid operator '{name}:{value}'"
        )
    return Node("term", test=test, standalone=name in _STANDALONE_OPS)


def _id_test(name: str, wanted: int) -> Callable[[PostFacts], bool]:
    field_of: dict[str, Callable[[PostFacts], int | None]] = {
        "conversation_id": lambda p: p.conversation_id,
        "in_reply_to_tweet_id": lambda p: p.replied_post_id,
        "retweets_of_tweet_id": lambda p: p.retweeted_post_id,
        "quotes_of_tweet_id": lambda p: p.quoted_post_id,
    }
    read = field_of[name]
    return lambda p: read(p) == wanted


_IS_TESTS: dict[str, Callable[[PostFacts], bool]] = {
    "retweet": lambda p: p.is_retweet,
    "reply": lambda p: p.is_reply,
    "quote": lambda p: p.is_quote,
    "verified": lambda p: p.author_verified,
}
_HAS_TESTS: dict[str, Callable[[PostFacts], bool]] = {
    "links": lambda p: bool(p.urls),
    "mentions": lambda p: bool(p.mentions),
    "hashtags": lambda p: bool(p.hashtags),
    "media": lambda p: p.has_media,
    "images": lambda p: p.has_media,
}


def _contains(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))
