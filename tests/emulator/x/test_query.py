"""The emulator's recent-search query language, tested on the parser and matcher directly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.emulator.x.query import PostFacts, QueryError, parse_query, words_of


def facts(text: str, **overrides: object) -> PostFacts:
    base: dict[str, object] = {
        "words": words_of(text),
        "hashtags": frozenset(w[1:].lower() for w in text.split() if w.startswith("#")),
        "mentions": frozenset(w[1:].lower() for w in text.split() if w.startswith("@")),
        "author_username": "ana",
        "author_id": 42,
        "reply_to_username": None,
        "conversation_id": 7,
        "is_reply": False,
        "is_retweet": False,
        "is_quote": False,
    }
    base.update(overrides)
    return PostFacts(**base)  # type: ignore[arg-type]


def matches(query: str, text: str, **overrides: object) -> bool:
    return parse_query(query).matches(facts(text, **overrides))


def test_hashtag_is_case_insensitive_and_exact() -> None:
    assert matches("#SMBchat", "A1 #smbchat")
    assert not matches("#SMBchat", "A1 #smbchatter")


def test_bare_words_match_whole_words_ignoring_case() -> None:
    assert matches("coffee", "I love Coffee!")
    assert not matches("coffee", "coffeeshop life")


def test_quoted_phrase_needs_adjacent_words() -> None:
    assert matches('"small business"', "Every Small Business counts")
    assert not matches('"small business"', "business is small")


def test_implicit_and_or_and_grouping() -> None:
    assert matches("#chat (A1 OR A2)", "#chat A2 yes")
    assert not matches("#chat (A1 OR A2)", "#chat A3")
    assert matches("a OR b c", "b c")
    assert not matches("a OR b c", "b")


def test_negation_of_terms_and_groups() -> None:
    assert not matches("#chat -spam", "#chat spam here")
    assert not matches("#chat -(spam OR ads)", "#chat ads")
    assert matches("#chat -(spam OR ads)", "#chat ok")


def test_from_to_and_conversation_operators() -> None:
    assert matches("from:ANA", "hi")
    assert matches("from:42", "hi")
    assert not matches("from:bo", "hi")
    assert matches("to:host", "hi", reply_to_username="host")
    assert matches("conversation_id:7", "hi")
    assert not matches("conversation_id:8", "hi")


def test_is_reply_and_is_retweet_filters() -> None:
    assert not matches("#chat -is:reply", "#chat", is_reply=True)
    assert matches("#chat is:reply", "#chat", is_reply=True)
    assert not matches("#chat -is:retweet", "#chat", is_retweet=True)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "(a", "a)", "a OR", "OR a", "-is:retweet", "is:reply", "foo:bar baz", '"open', "-"],
)
def test_invalid_queries_raise_query_error(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query)


def test_query_longer_than_512_is_refused() -> None:
    with pytest.raises(QueryError):
        parse_query("a " * 300)


@given(st.text(max_size=120))
def test_parser_never_crashes(query: str) -> None:
    """Any text either parses into a matcher or raises QueryError, nothing else."""
    try:
        tree = parse_query(query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert isinstance(tree.matches(facts("some #text @ana")), bool)
