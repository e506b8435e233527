"""Slash commands end to end: the fake Discord invokes them, the wire shows the answers."""

from __future__ import annotations

import pytest

from chatbot.discord_adapter import ModeratorBot, moderation
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeAudit, FakeControl

NOTHING_ALLOWED = {"parse": []}


async def test_moderator_next_posts_the_question_and_shows_the_result(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    token = await fake_discord.invoke("chat next", who="moderator")
    [answer] = await fake_discord.answers_for(token)
    assert control.called("next_question") == [(None,)]
    assert answer.kind == "callback"
    assert answer.body["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    assert answer.data["content"] == "next\\_question done: (None,)"
    assert not answer.ephemeral
    assert answer.data["allowed_mentions"] == NOTHING_ALLOWED
    await _eventually_audited(audit)
    assert audit.entries == [
        {
            "actor_id": p.MODERATOR_ID,
            "actor_name": "mod",
            "command": "/chat next",
            "arguments": "",
            "allowed": True,
            "result": "next\\_question done: (None,)",
        }
    ]


async def test_non_moderator_end_is_refused_privately_and_audited(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    token = await fake_discord.invoke("chat end", who="viewer", chat="ai-weekly")
    [answer] = await fake_discord.answers_for(token)
    assert answer.ephemeral
    assert answer.data["flags"] & 64
    assert answer.data["content"] == "You need the Moderator role to run /chat end."
    assert control.called("end") == []
    await _eventually_audited(audit)
    [entry] = audit.entries
    assert (entry["actor_id"], entry["command"], entry["allowed"]) == (
        p.VIEWER_ID,
        "/chat end",
        False,
    )
    assert entry["arguments"] == "chat=ai-weekly"


async def test_manage_server_permission_counts_as_moderator(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    token = await fake_discord.invoke("schedule pause", who="admin", chat="data-chat")
    [answer] = await fake_discord.answers_for(token)
    assert control.called("schedule_pause") == [("data-chat",)]
    assert not answer.ephemeral


async def test_chat_argument_autocompletes_from_control_slugs(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    token = await fake_discord.autocomplete("chat start", chat="ai-")
    [answer] = await fake_discord.answers_for(token)
    assert answer.body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    assert answer.body["data"]["choices"] == [
        {"name": "ai-weekly", "value": "ai-weekly"},
        {"name": "ai-monthly", "value": "ai-monthly"},
    ]


async def test_ask_over_280_weighted_characters_is_refused_with_its_count(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    text = "界" * 150  # 150 CJK characters weigh 300 on X
    token = await fake_discord.invoke("chat ask", text=text)
    [answer] = await fake_discord.answers_for(token)
    assert answer.ephemeral
    assert "300 characters as X counts them" in answer.data["content"]
    assert control.called("ask") == []


async def test_ask_within_the_limit_reaches_control(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    token = await fake_discord.invoke("chat ask", text="What is your favourite tool?")
    await fake_discord.answers_for(token)
    assert control.called("ask") == [("What is your favourite tool?", None)]


async def test_extend_and_hide_pass_their_arguments(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    token = await fake_discord.invoke("chat extend", minutes=5, chat="ai-weekly")
    await fake_discord.answers_for(token)
    token = await fake_discord.invoke("chat hide", handle="@spammer")
    await fake_discord.answers_for(token)
    assert control.called("extend") == [(5, "ai-weekly")]
    assert control.called("hide") == [("spammer", None)]


async def test_assign_passes_the_post_and_question_for_moderators_only(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    url = "https://x.com/ann/status/1987654321987654321"
    refused = await fake_discord.invoke("chat assign", who="viewer", post=url, question="2")
    [refusal] = await fake_discord.answers_for(refused)
    token = await fake_discord.invoke("chat assign", post=url, question="none")
    [done] = await fake_discord.answers_for(token)

    assert refusal.ephemeral
    assert refusal.data["content"] == "You need the Moderator role to run /chat assign."
    assert control.called("assign") == [(url, "none")]
    assert not done.ephemeral
    await _eventually_audited(audit, count=2)
    assert [(e["command"], e["arguments"], e["allowed"]) for e in audit.entries] == [
        ("/chat assign", f"post={url} question=2", False),
        ("/chat assign", f"post={url} question=none", True),
    ]


async def test_status_is_open_to_everyone_and_private(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    token = await fake_discord.invoke("chat status", who="viewer")
    [answer] = await fake_discord.answers_for(token)
    content = answer.data["content"]
    assert answer.ephemeral
    assert "Question 3 of 6: What \\*surprised\\* you?" in content
    assert "57 posts from 21 participants" in content
    assert "`data-chat`" in content


async def test_failed_command_result_is_private(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    control.ok = False
    token = await fake_discord.invoke("chat skip")
    [answer] = await fake_discord.answers_for(token)
    assert answer.ephemeral


async def test_recap_preview_is_moderator_only(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl
) -> None:
    token = await fake_discord.invoke("recap preview", who="viewer", chat="ai-weekly")
    [answer] = await fake_discord.answers_for(token)
    assert answer.ephemeral
    assert control.called("recap_preview") == []


async def test_long_recap_preview_is_split_into_private_messages(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    token = await fake_discord.invoke("recap preview", chat="ai-weekly")
    answers = await fake_discord.answers_for(token, count=2)
    assert [a.kind for a in answers] == ["callback", "followup"]
    assert all(a.ephemeral and len(a.data["content"]) <= 2000 for a in answers)
    joined = "\n".join(a.data["content"] for a in answers)
    assert "**1/8**" in joined and "**8/8**" in joined


async def test_recap_series_shows_the_weeks_privately_to_moderators_only(
    bot: ModeratorBot, fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    refused = await fake_discord.invoke("recap series", who="viewer", chat="ai-weekly")
    [refusal] = await fake_discord.answers_for(refused)
    assert refusal.ephemeral and control.called("recap_series") == []

    token = await fake_discord.invoke("recap series", chat="ai-weekly")
    [answer] = await fake_discord.answers_for(token)
    assert control.called("recap_series") == [("ai-weekly",)]
    assert answer.ephemeral
    content = answer.data["content"]
    assert "3 weeks, \\*42\\* people" in content  # participants' text: never Markdown
    assert "@everyone" not in content and answer.data["allowed_mentions"] == NOTHING_ALLOWED
    from tests.discord_adapter.conftest import eventually

    await eventually(lambda: len(audit.entries) == 2)
    assert [(e["command"], e["allowed"]) for e in audit.entries] == [
        ("/recap series", False),
        ("/recap series", True),
    ]


async def test_slow_command_is_deferred_then_answered(
    bot: ModeratorBot,
    fake_discord: FakeDiscord,
    control: FakeControl,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moderation, "DEFER_AFTER", 0.05)
    control.delay = 0.3
    token = await fake_discord.invoke("chat pause")
    answers = await fake_discord.answers_for(token, count=2)
    assert answers[0].body["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    assert answers[1].kind == "followup"
    assert answers[1].data["content"].startswith("pause done")


async def _eventually_audited(audit: FakeAudit, count: int = 1) -> None:
    from tests.discord_adapter.conftest import eventually

    await eventually(lambda: len(audit.entries) >= count)
