"""Splitting to Discord's limit and neutralising untrusted text."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from chatbot.discord_adapter.text import clean, split_message
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.conftest import eventually, make_bot
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeAudit, FakeControl


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=5000))
def test_split_chunks_fit_and_keep_every_word(text: str) -> None:
    chunks = split_message(text, limit=100)
    if not text:
        assert chunks == ["(empty)"]  # Discord refuses empty messages
        return
    assert all(0 < len(chunk) <= 100 for chunk in chunks)
    assert "".join(text.split()) == "".join("".join(chunks).split()).replace("\u200b", "")


def test_clean_escapes_markdown_and_mentions() -> None:
    text = "**hi** @everyone @here <@123456789012345678> _x_ https://x.com/a_b"
    cleaned = clean(text)
    assert cleaned.startswith(
        "\\*\\*hi\\*\\* @\u200beveryone @\u200bhere <@\u200b123456789012345678>"
    )
    assert "https://x.com/a_b" in cleaned  # links stay clickable


async def test_moderator_role_can_be_given_by_name(
    fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> None:
    bot = make_bot(fake_discord, control=control, audit=audit, roles=frozenset({"moderator"}))
    await bot.start()
    try:
        await eventually(lambda: bot.client is not None and bot.client.get_guild(p.GUILD_ID))
        token = await fake_discord.invoke("chat resume")
        [answer] = await fake_discord.answers_for(token)
        assert not answer.ephemeral
        assert control.called("resume") == [(None,)]
    finally:
        await bot.close()
    assert fake_discord.api_base == discord.http.Route.BASE  # restored to the fixture's value
