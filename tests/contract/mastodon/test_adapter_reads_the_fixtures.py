"""The real Mastodon.py client, through the adapter, reads every answer of Mastodon's
documentation: entities, pages, the event stream and the documented errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mastodon.streaming import StreamListener

from chatbot.domain.network import LengthRule, Network
from chatbot.mastodon.calls import RetryPolicy
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.convert import to_post
from chatbot.mastodon.errors import (
    MastodonAuthError,
    MastodonError,
    MastodonNotFoundError,
    MastodonRateLimitedError,
    MastodonRefusedError,
    MastodonTooLongError,
)
from tests.contract.mastodon.fixture_server import FixtureMastodon, fixture_names, load
from tests.mastodon.conftest import SleepRecorder

CONNECT = ("instance_v2", "instance_v2", "verify_credentials")


@pytest.fixture
async def server() -> AsyncIterator[FixtureMastodon]:
    fixtures = FixtureMastodon()
    await fixtures.start()
    yield fixtures
    await fixtures.stop()


@pytest.fixture
async def client(server: FixtureMastodon) -> AsyncIterator[MastodonClient]:
    server.serve(*CONNECT)
    masto = MastodonClient(
        base_url=server.base_url,
        access_token="token",
        retry=RetryPolicy(timeout=5.0),
        sleep=SleepRecorder(),
    )
    await masto.connect()
    yield masto
    masto.close()
    assert not server.queue, f"fixtures never asked for: {server.queue}"


async def test_connect_reads_the_limit_and_the_account(client: MastodonClient) -> None:
    assert client.domain == "mastodon.social"
    assert client.length_rule == LengthRule(limit=500, unit="characters", url_length=23)
    assert client.me is not None
    assert (client.me.handle, client.me.followers) == ("trwnh@mastodon.social", 821)
    assert client.me.id == "https://mastodon.social/@trwnh"  # no uri in the example: its url


async def test_a_posted_status_is_its_ref(server: FixtureMastodon, client: MastodonClient) -> None:
    server.serve("status")
    ref = await client.create_post("hello", idempotency_key="k")
    assert (ref.network, ref.id) == (Network.MASTODON, "103270115826048975")
    assert ref.url == "https://mastodon.social/@Gargron/103270115826048975"


async def test_a_status_reads_as_its_text(server: FixtureMastodon, client: MastodonClient) -> None:
    server.serve("status_get")
    post = await client.get_post("1")
    assert post.text == "Hello world" and post.author.handle == "Gargron@mastodon.social"
    assert post.created_at == datetime(2016, 3, 16, 14, 44, 31, 580000, tzinfo=UTC)
    assert (post.metrics.like_count, post.metrics.retweet_count) == (112, 98)


async def test_a_tag_page_with_its_link_header(
    server: FixtureMastodon, client: MastodonClient
) -> None:
    server.serve("tag_timeline")
    older, newer = await client.timeline("cats", since_id="1")
    assert [older.ref.id, newer.ref.id] == ["103203659567597966", "103206185588894565"]
    assert older.author.handle == "chrismo@ruby.social"
    assert older.text.startswith("Caught on the hop. 😺\n\n#Qualitätskatzen #cats")
    assert "(photo: @kernpanik | license: CC BY-NC-SA 4.0)" in older.text
    assert older.hashtags[:2] == ("Qualitätskatzen", "cats") and newer.text == "#cats"
    assert server.requests == ["GET /api/v2/instance/"] * 2 + [
        "GET /api/v1/accounts/verify_credentials",
        "GET /api/v1/timelines/tag/cats",
    ]


async def test_an_empty_page_ends_the_reading(
    server: FixtureMastodon, client: MastodonClient
) -> None:
    server.serve("tag_timeline_empty")
    assert await client.timeline("cats", since_id=None) == []


class _Collect(StreamListener):
    def __init__(self) -> None:
        self.statuses: list[Any] = []
        self.heartbeats = 0

    def on_update(self, status: Any) -> None:
        self.statuses.append(status)

    def handle_heartbeat(self) -> None:
        self.heartbeats += 1


async def test_the_event_stream_gives_the_status(
    server: FixtureMastodon, client: MastodonClient
) -> None:
    server.serve("instance_v1", "stream_hashtag")  # Mastodon.py finds the streaming server
    listener = _Collect()
    async with asyncio.timeout(10):  # the fixture's stream ends after its heartbeat
        await asyncio.to_thread(client.api.stream_hashtag, "test", listener, timeout=5)
    (status,) = listener.statuses
    post = to_post(status, client.domain)
    assert (post.text, post.hashtags) == ("#test", ("test",))
    assert post.author.handle == "trwnh@mastodon.social"
    assert listener.heartbeats == 2


@pytest.mark.parametrize(
    ("fixture", "error", "match"),
    [
        ("error_401", MastodonAuthError, "access token is invalid"),
        ("error_404", MastodonNotFoundError, "Record not found"),
        ("error_422_blank", MastodonRefusedError, "can't be blank"),
        ("error_422_too_long", MastodonTooLongError, "character limit of 500"),
        ("error_429", MastodonRateLimitedError, "rate limited by Mastodon until"),
    ],
)
async def test_a_documented_refusal_is_its_own_error_at_once(
    server: FixtureMastodon, client: MastodonClient, fixture: str, error: type[MastodonError],
    match: str,
) -> None:  # fmt: skip
    server.serve(fixture)
    with pytest.raises(error, match=match) as raised:
        if fixture.startswith("error_4") and "statuses/:id" in _request(fixture):
            await client.get_post("1")
        elif "timelines" in _request(fixture):
            await client.timeline("cats", since_id=None)
        else:
            await client.create_post("hello", idempotency_key="k")
    if isinstance(raised.value, MastodonRateLimitedError):
        assert raised.value.reset_at is not None
        assert raised.value.reset_at - datetime.now(UTC) > timedelta(minutes=55)


def _request(fixture: str) -> str:
    return str(load(fixture)["request"])


def test_every_fixture_is_read_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert [name for name in fixture_names() if f'"{name}"' not in source] == []
