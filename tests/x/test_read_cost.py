"""What reading a page of posts costs the bot: no tweepy model objects, one decode."""

from __future__ import annotations

import json
from typing import Any

import pytest
import tweepy

from chatbot.emulator.x import XEmulator
from chatbot.x import convert, session
from chatbot.x.client import TweepyXClient


async def test_a_search_page_of_100_posts_builds_no_tweepy_model_and_decodes_once(
    emulator: XEmulator, client: TweepyXClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(100):
        emulator.add_post(f"user{i % 30}", f"A{i % 6} my answer #SMBchat")
    built: list[str] = []
    for model in (tweepy.Tweet, tweepy.User, tweepy.Response):
        original = model.__init__

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            built.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(model, "__init__", counting)
    decoded: list[int] = []
    loads = session.loads
    monkeypatch.setattr(session, "loads", lambda text: decoded.append(len(text)) or loads(text))

    batch = await client.search_recent("#SMBchat", since_id=None)

    assert len(batch.posts) == 100 and batch.requests == 1
    assert built == []
    assert len(decoded) == 1
    # New posts all count zero: the page's posts share one Metrics.
    assert len({id(post.metrics) for post in batch.posts}) == 1


def test_a_lone_surrogate_escaped_in_the_json_still_reads() -> None:
    """orjson refuses it (X's JSON may carry one, escaped); the standard library's decoder
    takes over, and the post is stored with a replacement character."""
    body = b'{"data": [{"id": "7", "author_id": "5", "text": "A1 half \\ud83d here"}]}'
    (post,) = convert.posts_of(session.loads(body))
    assert post.text == "A1 half \ufffd here"


def test_json_decoding_gives_what_the_standard_library_gives() -> None:
    body = '{"a": [1, 2.5, null, true, "caf\\u00e9 \u00e9 \\n"], "b": {"c": ""}}'
    assert session.loads(body) == session.loads(body.encode()) == json.loads(body)
