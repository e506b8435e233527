"""The live feed: threads per question, batched and sanitised answers, its buttons and menu."""

from __future__ import annotations

import time

from chatbot.discord_adapter import ModeratorBot
from chatbot.domain.views import MirroredAnswer
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.conftest import eventually
from tests.discord_adapter.fake_discord import FakeDiscord, Recorded
from tests.discord_adapter.fakes import FakeAudit, FakeControl

QUESTIONS = [(1, "What brought you here?"), (2, "Which tool do you use most?")]


def answer(number: int | None, handle: str, text: str, post_id: int = 1) -> MirroredAnswer:
    return MirroredAnswer(
        post_id=post_id,
        question_number=number,
        author_username=handle,
        author_name=handle.title(),
        text=text,
        url=f"https://x.com/{handle}/status/{post_id}",
    )


async def start_chat(bot: ModeratorBot, fake: FakeDiscord) -> dict[str, str]:
    """Start a chat and return its thread ids by name prefix ("Q1", "Q2", "general")."""
    await bot.channel.chat_started(
        occurrence_id=7,
        slug="ai-weekly",
        title="AI weekly",
        hashtag="#AIWeekly",
        questions=QUESTIONS,
    )
    await eventually(lambda: len(fake.threads) == 3)
    ids = {}
    for thread_id, data in fake.threads.items():
        ids["general" if "general" in data["name"] else data["name"].split(" ")[0]] = thread_id
    return ids


def contents(posts: list[Recorded]) -> str:
    return "\n".join(r.body["content"] for r in posts)


async def test_chat_start_announces_and_opens_a_thread_per_question(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    threads = await start_chat(bot, fake_discord)
    [announcement] = fake_discord.posts(p.CHANNEL_ID)
    content = announcement.body["content"]
    assert content.startswith("**AI weekly** (\\#AIWeekly) has started: 2 questions")
    general = [r for r in fake_discord.requests if r.path.endswith("/threads")]
    assert general[0].path.startswith(f"/channels/{p.CHANNEL_ID}/messages/")
    assert [r.body["type"] for r in general[1:]] == [11, 11]  # public threads
    assert fake_discord.threads[threads["Q1"]]["name"] == "Q1 #AIWeekly: What brought you here?"
    await eventually(lambda: fake_discord.posts(threads["Q2"]))
    assert "**Q2**: Which tool do you use most?" in contents(fake_discord.posts(threads["Q2"]))


async def test_answers_are_batched_into_their_thread_with_no_mentions_allowed(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    threads = await start_chat(bot, fake_discord)
    answers = [answer(1, f"user{n}", f"A1 answer {n}", post_id=n) for n in range(5)]
    answers.append(answer(1, "troll", "@everyone look <@123> **loud** _x_", post_id=99))
    started = time.monotonic()
    await bot.channel.mirror_answers(occurrence_id=7, answers=answers)
    assert time.monotonic() - started < 0.05  # queued, not sent inline
    await eventually(lambda: "troll" in contents(fake_discord.posts(threads["Q1"])))
    posts = fake_discord.posts(threads["Q1"])
    assert len(posts) <= 2  # the question's intro plus one batch of six answers, at most
    assert all(r.body["allowed_mentions"] == {"parse": []} for r in fake_discord.posts())
    text = contents(posts)
    assert "@\u200beveryone look <@123> \\*\\*loud\\*\\* \\_x\\_" in text
    assert "<https://x.com/troll/status/99>" in text
    assert all("user" not in r.body["content"] for r in fake_discord.posts(threads["Q2"]))


async def test_general_answers_go_to_the_announcement_thread(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    threads = await start_chat(bot, fake_discord)
    await bot.channel.mirror_answers(occurrence_id=7, answers=[answer(None, "ann", "hello all")])
    await eventually(lambda: fake_discord.posts(threads["general"]))
    assert "**@ann** (Ann): hello all" in contents(fake_discord.posts(threads["general"]))


async def test_question_posted_and_notify(bot: ModeratorBot, fake_discord: FakeDiscord) -> None:
    threads = await start_chat(bot, fake_discord)
    url = "https://x.com/host/status/5"
    await bot.channel.question_posted(occurrence_id=7, number=1, text="Q1: hi", url=url)
    await bot.channel.notify("X refused our token @everyone")
    await eventually(lambda: url in contents(fake_discord.posts(threads["Q1"])))
    await eventually(lambda: "refused" in contents(fake_discord.posts(p.CHANNEL_ID)))
    assert "our token @\u200beveryone" in contents(fake_discord.posts(p.CHANNEL_ID))
    assert fake_discord.posts(p.CHANNEL_ID)[-1].body["allowed_mentions"] == {"parse": []}


async def test_answers_of_an_unknown_chat_go_to_the_channel_with_a_header(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    await bot.channel.mirror_answers(occurrence_id=99, answers=[answer(2, "bob", "late")])
    await eventually(lambda: fake_discord.posts(p.CHANNEL_ID))
    assert contents(fake_discord.posts(p.CHANNEL_ID)).startswith("**Q2**\n**@bob**")


async def test_rate_limited_posts_are_retried_after_retry_after(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    fake_discord.rate_limit_next = 1
    await bot.channel.notify("after the 429")
    await eventually(lambda: len(fake_discord.posts(p.CHANNEL_ID)) == 2)
    refused, sent = fake_discord.posts(p.CHANNEL_ID)
    assert sent.at - refused.at >= 0.3  # discord.py waited retry_after


async def test_hide_button_hides_the_author_once_and_is_audited(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    threads = await start_chat(bot, fake_discord)
    await bot.channel.mirror_answers(occurrence_id=7, answers=[answer(2, "troll", "spam")])
    await eventually(lambda: "troll" in contents(fake_discord.posts(threads["Q2"])))
    [post] = [r for r in fake_discord.posts(threads["Q2"]) if "troll" in r.body["content"]]
    row, _menu = post.body["components"]
    [button] = row["components"]
    assert (button["label"], button["custom_id"]) == ("Hide @troll", "chatbot:hide:troll")
    message = p.message(threads["Q2"], post.body, author=p.BOT_USER)

    refused = await fake_discord.click("chatbot:hide:troll", message=message, who="viewer")
    [answer_] = await fake_discord.answers_for(refused)
    assert answer_.ephemeral
    assert control.called("hide") == []

    token = await fake_discord.click("chatbot:hide:troll", message=message)
    [answer_] = await fake_discord.answers_for(token)
    assert answer_.data["content"] == "hide done: ('troll', None)"
    await eventually(lambda: len(audit.entries) == 2)
    assert control.called("hide") == [("troll", None)]
    assert [(e["command"], e["arguments"], e["allowed"]) for e in audit.entries] == [
        ("Hide author button", "handle=troll", False),
        ("Hide author button", "handle=troll", True),
    ]


async def test_the_move_menu_lists_each_post_and_opens_the_form_for_moderators_only(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    threads = await start_chat(bot, fake_discord)
    mirrored = [
        answer(1, "ann", "A1: reels\nwork **best**", post_id=11),
        answer(1, "bob", "A1: " + "very " * 30 + "long", post_id=12),
    ]
    await bot.channel.mirror_answers(occurrence_id=7, answers=mirrored)
    await eventually(lambda: "bob" in contents(fake_discord.posts(threads["Q1"])))
    [post] = [r for r in fake_discord.posts(threads["Q1"]) if "bob" in r.body["content"]]
    _buttons, row = post.body["components"]
    [menu] = row["components"]
    assert (menu["type"], menu["custom_id"]) == (3, "chatbot:move")
    labels = [(option["label"], option["value"]) for option in menu["options"]]
    assert labels[0] == ("@ann: A1: reels work **best**", "11")  # a menu shows no Markdown
    assert labels[1][1] == "12" and len(labels[1][0]) == 100 and labels[1][0].endswith("…")
    message = p.message(threads["Q1"], post.body, author=p.BOT_USER)

    refused = await fake_discord.choose("chatbot:move", ["12"], message=message, who="viewer")
    [refusal] = await fake_discord.answers_for(refused)
    token = await fake_discord.choose("chatbot:move", ["12"], message=message)
    [form] = await fake_discord.answers_for(token)

    assert refusal.ephemeral
    assert refusal.data["content"] == "You need the Moderator role to run Move answer menu."
    assert form.body["type"] == 9  # MODAL
    assert form.body["data"]["custom_id"] == "chatbot:assign:12"
    assert control.called("assign") == []  # nothing moves until the form is sent
    await eventually(lambda: len(audit.entries) == 1)
    assert [(e["command"], e["arguments"], e["allowed"]) for e in audit.entries] == [
        ("Move answer menu", "post=12", False)
    ]


async def test_a_sent_form_moves_the_post_even_when_another_process_showed_it(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    """The form is routed by its custom_id: this bot never opened it (as after a restart)."""
    refused = await fake_discord.submit("chatbot:assign:12", {"question": "2"}, who="viewer")
    [refusal] = await fake_discord.answers_for(refused)
    assert refusal.ephemeral and control.called("assign") == []

    token = await fake_discord.submit("chatbot:assign:12", {"question": " none "})
    [done] = await fake_discord.answers_for(token)

    assert done.data["content"] == "assign done: ('12', ' none ')"
    assert control.called("assign") == [("12", " none ")]
    await eventually(lambda: len(audit.entries) == 2)
    assert [(e["command"], e["arguments"], e["allowed"], e["actor_id"]) for e in audit.entries] == [
        ("Move answer menu", "post=12 question=2", False, p.VIEWER_ID),
        ("Move answer menu", "post=12 question= none ", True, p.MODERATOR_ID),
    ]
