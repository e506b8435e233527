"""Answers from X, Bluesky and Mastodon in the same question threads, each marked with its
network and linked to it there; buttons and menus work for every network's posts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from chatbot.discord_adapter import ModeratorBot
from chatbot.domain.network import Network, stored_id
from chatbot.domain.views import MirroredAnswer, RecapPreview
from chatbot.recap import write_recap
from chatbot.recap.model import ChatPost, ChatRecord, Person
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.conftest import eventually
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeControl
from tests.discord_adapter.test_feed import answer, contents, start_chat

BOB_URI = "at://did:plc:bob/app.bsky.feed.post/3lbqaaaaaaa22"
BOB_ID = stored_id(Network.BLUESKY, BOB_URI)
BOB = MirroredAnswer(
    post_id=BOB_ID,
    question_number=1,
    author_username="bob.bsky.social",
    author_name="Bob <@123> @everyone",
    text="A1: a loyalty card **free** coffee",
    url="https://bsky.app/profile/bob.bsky.social/post/3lbqaaaaaaa22",
    network=Network.BLUESKY,
)
EVE = MirroredAnswer(
    post_id=stored_id(Network.MASTODON, "113000000000000001"),
    question_number=1,
    author_username="eve_k@mastodon.social",
    author_name="Eve",
    text="A1: answering every review",
    url="https://mastodon.social/@eve_k/113000000000000001",
    network=Network.MASTODON,
)


async def test_answers_of_each_network_are_marked_and_linked_there(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    threads = await start_chat(bot, fake_discord)
    hostile = replace(EVE, post_id=EVE.post_id - 1, url="javascript:alert(1)", text="A1: hm")
    mirrored = [answer(1, "ann", "A1: reels", post_id=5), BOB, EVE, hostile]
    await bot.channel.mirror_answers(occurrence_id=7, answers=mirrored)
    await eventually(lambda: "A1: hm" in contents(fake_discord.posts(threads["Q1"])))
    text = contents(fake_discord.posts(threads["Q1"]))
    lines = {line.split("**")[1]: line for line in text.splitlines() if "**@" in line}
    assert lines["@ann"].startswith("**@ann** (Ann): A1: reels <https://x.com/ann/status/5>")
    assert lines["@bob.bsky.social"].startswith("🦋 [Bluesky] **@bob.bsky.social** (Bob <")
    assert lines["@bob.bsky.social"].endswith(f" <{BOB.url}>")
    assert "@\u200beveryone" in lines["@bob.bsky.social"]  # and no mention is allowed
    assert "\\*\\*free\\*\\*" in lines["@bob.bsky.social"]
    eve = "🐘 [Mastodon] **@eve\\_k@mastodon.social** (Eve): A1:"
    assert f"{eve} answering every review <{EVE.url}>" in text
    assert f"{eve} hm\n" in text + "\n"  # its javascript: address is not shown
    assert "javascript:" not in text
    assert all(r.body["allowed_mentions"] == {"parse": []} for r in fake_discord.posts())


async def test_question_posted_on_another_network(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    threads = await start_chat(bot, fake_discord)
    url = "https://bsky.app/profile/smbchat.bsky.social/post/3lbq"
    await bot.channel.question_posted(
        occurrence_id=7, number=1, text="Q1: hi", url=url, network=Network.BLUESKY
    )
    await eventually(lambda: url in contents(fake_discord.posts(threads["Q1"])))
    assert f"Posted on Bluesky as Q1: <{url}>" in contents(fake_discord.posts(threads["Q1"]))


async def test_hide_and_move_work_for_bluesky_and_mastodon_posts(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    threads = await start_chat(bot, fake_discord)
    await bot.channel.mirror_answers(occurrence_id=7, answers=[BOB, EVE])
    await eventually(lambda: "eve" in contents(fake_discord.posts(threads["Q1"])))
    [post] = [r for r in fake_discord.posts(threads["Q1"]) if "bob" in r.body["content"]]
    buttons, row = post.body["components"]
    ids = [b["custom_id"] for b in buttons["components"]]
    assert ids == ["chatbot:hide:bob.bsky.social", "chatbot:hide:eve_k@mastodon.social"]
    assert [o["value"] for o in row["components"][0]["options"]] == [
        str(BOB_ID),
        str(EVE.post_id),
    ]
    message = p.message(threads["Q1"], post.body, author=p.BOT_USER)

    await fake_discord.answers_for(await fake_discord.click(ids[0], message=message))
    token = await fake_discord.choose("chatbot:move", [str(BOB_ID)], message=message)
    [form] = await fake_discord.answers_for(token)
    assert form.body["data"]["custom_id"] == f"chatbot:assign:{BOB_ID}"
    await fake_discord.answers_for(
        await fake_discord.submit(f"chatbot:assign:{BOB_ID}", {"question": "2"})
    )
    assert control.called("hide") == [("bob.bsky.social", None)]
    assert control.called("assign") == [(str(BOB_ID), "2")]


def _record() -> ChatRecord:
    at = datetime(2026, 11, 5, 1, 3, tzinfo=UTC)
    posts = [
        ChatPost(1, 11, "ann", "Ann", "A1: reels", at, questions=(1,), method="label"),
        ChatPost(
            -2,
            -12,
            "bob.bsky.social",
            "Bob",
            "A1: cards",
            at,
            questions=(1,),
            method="label",
            network=Network.BLUESKY,
        ),
        ChatPost(
            -3,
            -13,
            "eve@mastodon.social",
            "Eve",
            "A1: reviews",
            at,
            questions=(1,),
            method="label",
            network=Network.MASTODON,
        ),
    ]
    people = {
        p.author_id: Person(p.author_id, p.username, is_new=p.id != 1, network=p.network)
        for p in posts
    }
    return ChatRecord(
        slug="ai-weekly",
        title="AI weekly",
        hashtag="#AIWeekly",
        timezone="UTC",
        local_date="2026-11-04",
        questions={1: "Why?"},
        question_times={},
        posts=posts,
        people=people,
        networks=tuple(Network),
    )


async def test_recap_preview_shows_numbers_per_network(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, tmp_path: Path
) -> None:
    recap = write_recap(_record(), out_dir=tmp_path)
    control.preview = RecapPreview(
        slug="ai-weekly",
        occurrence_date="2026-11-04",
        posts=recap.posts,
        files=[],
        status="draft",
        numbers=tuple(recap.numbers()),
    )
    token = await fake_discord.invoke("recap preview", chat="ai-weekly")
    answers = await fake_discord.answers_for(token)
    shown = "\n".join(a.data["content"] for a in answers)
    assert "• In all: 3 people (2 new, 1 returning), 3 posts, 3 answers" in shown
    assert "• X: 1 person (0 new, 1 returning), 1 post, 1 answer, 0 replies" in shown
    assert "• Bluesky: 1 person (1 new, 0 returning), 1 post, 1 answer, 0 replies" in shown
    assert "• Mastodon: 1 person (1 new, 0 returning)" in shown
    assert "reading and posting on Bluesky and Mastodon costs nothing" in shown
