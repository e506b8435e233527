"""The adapter, through the real atproto client, reads Bluesky's answers as documented."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from chatbot.bluesky import (
    BlueskyAuthError,
    BlueskyClient,
    BlueskyRateLimitedError,
    BlueskyRefusedError,
    JetstreamConsumer,
    new_rkey,
)
from chatbot.domain.network import Network
from tests.bluesky.conftest import SleepRecorder
from tests.contract.bluesky.fixture_bluesky import FixtureBluesky, load

HOST_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
ANA_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


async def _logged_in(recorded: FixtureBluesky, sleeps: SleepRecorder) -> BlueskyClient:
    recorded.serve("create_session", "get_profile")
    client = BlueskyClient(
        service=recorded.base_url, handle="smbchat.bsky.social", app_password="x", sleep=sleeps
    )
    await client.login()
    return client


async def test_login_reads_the_session_and_follows_the_did_document(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    assert client.did == HOST_DID
    assert client.session().pds_endpoint == recorded.base_url
    await client.close()


async def test_a_new_post_becomes_a_reference_with_its_uri_cid_and_page(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    recorded.serve("create_record")
    ref = await client.create_post("Q1: What brought you to #SMBchat tonight?", rkey=new_rkey())
    body = load("create_record")["body"]
    assert (ref.id, ref.cid) == (body["uri"], body["cid"])
    assert ref.url == "https://bsky.app/profile/smbchat.bsky.social/post/3mmoojp4cd223"
    await client.close()


async def test_a_duplicate_key_500_resolves_to_the_record_already_there(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    recorded.serve("error_500_duplicate_rkey", "get_record")
    ref = await client.create_post("Q1: What brought you to #SMBchat tonight?", rkey=new_rkey())
    assert ref.id == load("get_record")["body"]["uri"]
    assert recorded.requests[-2:] == [
        "POST com.atproto.repo.createRecord",
        "GET com.atproto.repo.getRecord",
    ]
    recorded.serve("error_500_duplicate_rkey", "error_400_record_not_found", "create_record")
    await client.create_post("Q2: another #SMBchat", rkey=new_rkey())
    assert recorded.requests[-1] == "POST com.atproto.repo.createRecord"
    await client.close()


async def test_search_posts_become_net_posts(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    recorded.serve("search_posts")
    posts, cursor = await client.search("SMBchat", since=datetime.now(UTC) - timedelta(hours=1))
    assert cursor == load("search_posts")["body"]["cursor"]
    ana, host = posts
    assert ana.network is Network.BLUESKY
    assert (ana.author.id, ana.author.handle) == (ANA_DID, "ana-bakes.bsky.social")
    assert ana.author.name == "Ana · Sweet Crumbs Bakery"
    assert ana.reply_to == host.ref.id
    assert ana.ref.root_id == host.ref.id
    assert ana.hashtags == ("SMBchat",)
    assert ana.created_at == datetime(2026, 5, 25, 14, 24, 1, 345000, tzinfo=UTC)
    assert (host.metrics.like_count, host.metrics.reply_count) == (3, 1)
    await client.close()


async def test_profiles_threads_and_posts_parse_in_the_atproto_models(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    recorded.serve("get_post_thread", "get_posts", "resolve_handle")
    thread = await client.atp.get_post_thread(load("create_record")["body"]["uri"])
    assert thread.thread.replies[0].post.author.handle == "ana-bakes.bsky.social"
    posts = await client.get_posts([load("create_record")["body"]["uri"]])
    assert [p.author.handle for p in posts] == ["smbchat.bsky.social", "ana-bakes.bsky.social"]
    assert await client.resolve_handle("ana-bakes.bsky.social") == ANA_DID
    await client.close()


async def test_an_expired_token_is_refreshed_with_the_documented_answer(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    client.forget_author(ANA_DID)
    recorded.serve("error_400_expired_token", "refresh_session", "get_profile")
    author = await client.author(ANA_DID)
    assert author.followers == 1200
    assert recorded.requests[-2:] == [
        "POST com.atproto.server.refreshSession",
        "GET app.bsky.actor.getProfile",
    ]
    await client.close()


async def test_the_documented_errors_map_to_the_adapters_exceptions(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    recorded.serve("error_401_invalid_password")
    refused = BlueskyClient(service=recorded.base_url, handle="x.bsky.social", app_password="x")
    with pytest.raises(BlueskyAuthError, match="Invalid identifier or password"):
        await refused.login()
    await refused.close()
    client = await _logged_in(recorded, sleeps)
    recorded.serve("error_429_rate_limited")
    with pytest.raises(BlueskyRateLimitedError) as limited:
        await client.create_post("Q1 #SMBchat", rkey=new_rkey())
    assert limited.value.reset_at is not None
    assert limited.value.reset_at > datetime.now(UTC) + timedelta(minutes=25)
    recorded.serve("error_400_invalid_record")
    with pytest.raises(BlueskyRefusedError, match="grapheme too big"):
        await client.create_post("Q1 #SMBchat", rkey=new_rkey())
    await client.close()


async def test_jetstream_events_as_documented_become_one_post(
    recorded: FixtureBluesky, sleeps: SleepRecorder
) -> None:
    client = await _logged_in(recorded, sleeps)
    recorded.events = [
        "jetstream_identity",
        "jetstream_account",
        "jetstream_commit_delete",
        "jetstream_commit_post",
    ]
    recorded.serve("get_profile")
    consumer = JetstreamConsumer(
        url=recorded.base_url.replace("http", "ws"), hashtag="SMBchat", profiles=client
    )
    stream = consumer.posts()
    post = await asyncio.wait_for(anext(stream), 10)
    await consumer.stop()
    await stream.aclose()
    event = load("jetstream_commit_post")["event"]
    assert post.ref.id == f"at://{ANA_DID}/app.bsky.feed.post/{event['commit']['rkey']}"
    assert post.author.handle == "ana-bakes.bsky.social"
    assert post.created_at == datetime(2026, 5, 25, 14, 23, 29, 157119, tzinfo=UTC)
    assert consumer.cursor == event["time_us"]
    assert recorded.requests[-2].startswith("WS /subscribe?wantedCollections=app.bsky.feed.post")
    await client.close()
