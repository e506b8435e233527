"""Posting through the real atproto client: facets at byte offsets, threads, length."""

from __future__ import annotations

import pytest

from chatbot.bluesky import BlueskyClient, BlueskyRefusedError, new_rkey
from chatbot.emulator.bluesky import BlueskyEmulator, did_for
from tests.bluesky.conftest import ANA


def _spans(emulator: BlueskyEmulator, uri: str) -> list[tuple[str, str, str]]:
    """(covered text, feature type, feature value) of each facet of a stored post."""
    record = emulator.post(uri).record
    raw = record["text"].encode("utf-8")
    spans = []
    for facet in record.get("facets", []):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        feature = facet["features"][0]
        kind = feature["$type"].rsplit("#", 1)[1]
        value = feature.get("tag") or feature.get("did") or feature.get("uri")
        spans.append((raw[start:end].decode("utf-8"), kind, value))
    return spans


async def test_facets_point_at_utf8_bytes_past_emoji_and_accents(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    text = (
        "Q1: Qué tal, café ☕👩🏽‍💻 crew? #SMBchat #Día1 with @ana-bakes.bsky.social "
        "and @nobody-here.bsky.social — notes at https://example.com/café."
    )
    ref = await client.create_post(text, rkey=new_rkey())
    assert _spans(emulator, ref.id) == [
        ("#SMBchat", "tag", "SMBchat"),
        ("#Día1", "tag", "Día1"),
        ("@ana-bakes.bsky.social", "mention", did_for(ANA)),
        ("https://example.com/café", "link", "https://example.com/café"),
    ]  # the unknown handle stays plain text, as in the app; the final '.' is not linked


async def test_a_post_lives_at_the_record_key_chosen_before_sending(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    rkey = new_rkey()
    ref = await client.create_post("Welcome to #SMBchat!", rkey=rkey)
    assert ref.id == f"at://{client.did}/app.bsky.feed.post/{rkey}"
    assert ref.url == f"https://bsky.app/profile/smbchat.bsky.social/post/{rkey}"
    assert ref.cid == emulator.post(ref.id).cid
    assert (ref.root_id, ref.root_cid) == (ref.id, ref.cid)


async def test_replies_carry_the_thread_root_and_their_parent(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    welcome = await client.create_post("Welcome to #SMBchat", rkey=new_rkey())
    question = await client.create_post("Q1: Why? #SMBchat", reply_to=welcome, rkey=new_rkey())
    answer = emulator.add_post(ANA, "A1: because #SMBchat", reply_to=question.id)
    [seen] = await client.get_posts([answer])
    thanks = await client.create_post("Thanks Ana!", reply_to=seen.ref, rkey=new_rkey())

    reply = emulator.post(thanks.id).record["reply"]
    assert reply["parent"] == {"uri": answer, "cid": emulator.post(answer).cid} | _type(reply)
    assert reply["root"]["uri"] == welcome.id
    assert reply["root"]["cid"] == welcome.cid
    assert (thanks.root_id, thanks.root_cid) == (welcome.id, welcome.cid)
    assert emulator.post(welcome.id).counts["reply"] == 1


def _type(reply: dict[str, dict[str, str]]) -> dict[str, str]:
    """The strong ref's own $type, which the atproto client adds."""
    return {k: v for k, v in reply["parent"].items() if k == "$type"}


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("a" * 300, True),
        ("a" * 301, False),
        ("👩🏽‍💻" * 300, False),  # 300 graphemes, but 4500 bytes: over 3000
        ("👩‍💻" * 272, True),  # 272 graphemes in 2992 bytes
        ("e\u0301" * 300, True),  # 300 decomposed é: one grapheme each
        ("🇫🇷" * 301, False),
    ],
)
async def test_the_length_rule_counts_graphemes_and_bytes_as_the_pds_does(
    client: BlueskyClient, emulator: BlueskyEmulator, text: str, fits: bool
) -> None:
    if fits:
        ref = await client.create_post(text, rkey=new_rkey())
        assert emulator.post(ref.id).text == text
    else:
        with pytest.raises(BlueskyRefusedError, match="too long"):
            await client.create_post(text, rkey=new_rkey())
        assert "com.atproto.repo.createRecord" not in emulator.request_counts()


async def test_a_record_the_pds_refuses_is_reported_not_retried(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    with pytest.raises(BlueskyRefusedError) as refused:
        await client.create_post("hello", rkey="not-a-tid")
    assert refused.value.error == "InvalidRequest"
    assert "Invalid TID" in str(refused.value)
    assert emulator.request_counts()["com.atproto.repo.createRecord"] == 1


async def test_deleting_a_post_removes_it_and_deleting_again_is_harmless(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    ref = await client.create_post("oops #SMBchat", rkey=new_rkey())
    await client.delete_post(ref)
    await client.delete_post(ref)
    assert emulator.posts() == []
