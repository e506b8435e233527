"""What X does to a post's text: t.co links, the media link, long posts, reply mentions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.emulator.x.weighted import weighted_length
from tests.x.conftest import RawApi, signer, upload

FIELDS = "entities,note_tweet,display_text_range,attachments"


async def lookup(api: RawApi, post_id: int, fields: str = FIELDS) -> dict[str, Any]:
    status, body = await api.get(f"/2/tweets/{post_id}", tweet__fields=fields)
    assert status == 200, body
    return body["data"]


async def test_every_link_twitter_text_finds_becomes_t_co(emulator: XEmulator, api: RawApi) -> None:
    post = emulator.add_post("ana", "see example.com/menu and https://a.org, not notes.txt")
    data = await lookup(api, post)
    urls = data["entities"]["urls"]
    assert [u["expanded_url"] for u in urls] == ["http://example.com/menu", "https://a.org"]
    assert [u["display_url"] for u in urls] == ["example.com/menu", "a.org"]
    assert "example.com" not in data["text"] and "notes.txt" in data["text"]
    for url in urls:
        assert data["text"][url["start"] : url["end"]] == url["url"]
        assert url["url"].startswith("https://t.co/") and len(url["url"]) == 23


async def test_a_post_with_media_gets_a_t_co_link_at_the_end(
    emulator: XEmulator, api: RawApi, image: Path
) -> None:
    media_id = await upload(emulator, image, signer())
    created = await _create(api, {"text": "Recap #chat", "media": {"media_ids": [media_id]}})
    data = await lookup(api, int(created["id"]))
    (link,) = data["entities"]["urls"]
    assert created["text"] == data["text"] == f"Recap #chat {link['url']}"
    assert link["media_key"] == f"3_{media_id}"
    assert link["expanded_url"].endswith(f"/status/{created['id']}/photo/1")
    assert link["display_url"].startswith("pic.x.com/")
    assert data["attachments"] == {"media_keys": [f"3_{media_id}"]}
    assert emulator.request_log.posts_created_with_url == 0  # the media link is not a link


async def test_a_long_post_is_cut_in_text_and_whole_in_note_tweet(
    emulator: XEmulator, api: RawApi
) -> None:
    words = " ".join(f"word{i}" for i in range(80))
    post = emulator.add_post("ana", f"A1 {words} #chat")
    data = await lookup(api, post)
    assert weighted_length(data["text"]) <= 280
    assert data["text"].startswith("A1 word0 word1") and "… https://t.co/" in data["text"]
    assert data["note_tweet"]["text"] == f"A1 {words} #chat"
    assert data["note_tweet"]["entities"]["hashtags"][0]["tag"] == "chat"
    assert "note_tweet" not in await lookup(api, post, "entities")
    short = emulator.add_post("ana", "A1 short #chat")
    assert "note_tweet" not in await lookup(api, short)
    _, found = await api.search("#chat")
    assert str(post) in {p["id"] for p in found["data"]}  # the whole text is searched


async def test_a_reply_starts_with_the_conversations_mentions(
    emulator: XEmulator, api: RawApi
) -> None:
    question = emulator.add_post(HOST_USER_ID, "Q1 What works? #chat")
    answer = emulator.add_post("ana", "A1 polls, ask @bo #chat", reply_to=question)
    again = emulator.add_post("cleo", "Same here #chat", reply_to=answer)
    own = emulator.add_post("ana", "and stories #chat", reply_to=answer)
    assert (await lookup(api, answer))["text"] == "@SMBchatHost A1 polls, ask @bo #chat"
    data = await lookup(api, again)
    assert data["text"] == "@ana @SMBchatHost @bo Same here #chat"
    assert data["display_text_range"] == [len("@ana @SMBchatHost @bo "), len(data["text"])]
    # Replying to oneself adds only the others.
    assert (await lookup(api, own))["text"] == "@SMBchatHost @bo and stories #chat"


async def test_an_api_reply_gets_mentions_only_when_asked(emulator: XEmulator, api: RawApi) -> None:
    question = emulator.add_post("ana", "Q? #chat")
    plain = await _create(api, {"text": "thanks", "reply": {"in_reply_to_tweet_id": str(question)}})
    asked = await _create(
        api,
        {
            "text": "thanks again",
            "reply": {"in_reply_to_tweet_id": str(question), "auto_populate_reply_metadata": True},
        },
    )
    assert (plain["text"], asked["text"]) == ("thanks", "@ana thanks again")


async def _create(api: RawApi, body: dict[str, Any]) -> dict[str, Any]:
    url, headers = api._signed("POST", api.url("/2/tweets"))
    async with api.session.post(url, json=body, headers=headers) as response:
        assert response.status == 201
        data: dict[str, Any] = (await response.json())["data"]
        return data


async def test_empty_text_and_unknown_body_fields_are_a_400(api: RawApi) -> None:
    url, headers = api._signed("POST", api.url("/2/tweets"))
    for body in ({"text": ""}, {"text": "   "}, {}, {"text": "hi", "status": "hi"}):
        async with api.session.post(url, json=body, headers=headers) as response:
            answer = await response.json()
            assert response.status == 400, body
            assert answer["title"] == "Invalid Request" and answer["errors"][0]["message"]


def test_posts_are_long_exactly_when_x_counts_over_280() -> None:
    """The emulator counts a post's weighted length only when a cheap bound says it might
    be over 280 (``store._may_be_long``): a post is kept whole or cut as the count says."""
    emulator = XEmulator()
    texts = [
        "A1: short answer #SMBchat",
        "a" * 280,
        "a" * 281,
        "é" * 140 + "x",  # Latin-1 weighs 1 each: 141, not long
        "日本" * 70,  # CJK weighs 2: 280
        "日本" * 70 + "x",
        "👍🏽" * 140,  # an emoji sequence weighs 2: 280
        "👍🏽" * 141,
        "x " * 120 + "see a.co and b.io " + "y" * 10,  # bare domains become t.co links
        "w " * 127 + "https://example.com/" + "p" * 300,
    ]
    for text in texts:
        post = emulator.state.store.add_post(HOST_USER_ID, text)
        over = weighted_length(post.processed.text) > 280
        assert post.long == over, (text[:30], weighted_length(post.processed.text))
