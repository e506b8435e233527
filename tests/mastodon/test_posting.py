"""Posting through the adapter: the instance's length rule, replies, refusals."""

from __future__ import annotations

import pytest

from chatbot.domain.network import LengthRule, Network, PostRef
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.errors import MastodonAuthError, MastodonNotFoundError, MastodonTooLongError
from tests.mastodon.conftest import SleepRecorder, make_client


async def test_connect_reads_the_instance_limit_and_our_handle(
    emulator: MastodonEmulator, sleeps: SleepRecorder
) -> None:
    emulator.set_max_characters(1000)
    client = make_client(emulator, sleeps)
    try:
        me = await client.connect()
    finally:
        client.close()
    assert client.length_rule == LengthRule(limit=1000, unit="characters", url_length=23)
    assert me.handle == "smbchat@mastodon.example" and me.network is Network.MASTODON
    assert me.id == "https://mastodon.example/users/smbchat"


async def test_a_question_and_a_reply_in_its_thread(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    question = await client.create_post("Q1: What brought you here? #SMBchat", idempotency_key="q1")
    answer = emulator.add_status(
        "ana@fosstodon.example", "A1: curiosity #SMBchat", reply_to=question.id
    )
    reply = await client.create_post(
        "@ana@fosstodon.example thanks! #SMBchat",
        reply_to=PostRef(Network.MASTODON, answer),
        idempotency_key="thanks-ana",
    )
    stored = emulator.status(reply.id)
    assert stored.in_reply_to_id == int(answer)
    assert reply.url == f"https://mastodon.example/@smbchat/{reply.id}"
    assert emulator.status(answer).counts["replies_count"] == 1
    assert stored.formatted.mention_ids == (emulator.add_account("ana@fosstodon.example").id,)


async def test_a_status_over_the_limit_is_refused_as_too_long(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    with pytest.raises(MastodonTooLongError, match="character limit of 500"):
        await client.create_post("x" * 501, idempotency_key="long")
    assert emulator.statuses() == [] and sleeps.durations == []


async def test_a_long_link_counts_23_and_a_remote_mention_its_local_part(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.add_account("ana@a-very-long-instance-name.example")
    text = "@ana@a-very-long-instance-name.example https://example.com/" + "p" * 300 + " "
    text += "y" * (500 - 4 - 1 - 23 - 1)
    await client.create_post(text, idempotency_key="fits")
    assert len(emulator.statuses()) == 1


async def test_a_reply_to_a_deleted_status_is_not_found(client: MastodonClient) -> None:
    with pytest.raises(MastodonNotFoundError, match="does not appear to exist"):
        await client.create_post(
            "Q2", reply_to=PostRef(Network.MASTODON, "1234"), idempotency_key="q2"
        )


async def test_a_revoked_token_is_an_auth_error_without_retry(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    emulator.set_credentials_valid(False)
    with pytest.raises(MastodonAuthError, match="access token is invalid"):
        await client.create_post("Q3 #SMBchat", idempotency_key="q3")
    assert sleeps.durations == []
    assert emulator.request_counts()["POST /api/v1/statuses"] == 1
