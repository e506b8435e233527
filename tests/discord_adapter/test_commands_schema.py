"""What the bot registers with Discord: names, options, autocomplete, default permissions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chatbot.discord_adapter import ModeratorBot
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.fake_discord import FakeDiscord

MANAGE_GUILD = 1 << 5
README = Path(__file__).resolve().parents[2] / "README.md"


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def _options(group: dict[str, Any], sub: str) -> dict[str, dict[str, Any]]:
    return _by_name(_by_name(group["options"])[sub]["options"])


async def test_commands_are_registered_in_the_configured_guild_only(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    puts = [r.path for r in fake_discord.requests if r.method == "PUT"]
    assert puts == [f"/applications/{p.BOT_ID}/guilds/{p.GUILD_ID}/commands"]
    # zstd-stream when zstandard is installed (atproto brings it); the fake compresses with either
    assert fake_discord.gateway_queries[0]["compress"] in ("zlib-stream", "zstd-stream")
    assert len(fake_discord.ops(2)) == 1  # one IDENTIFY


async def test_command_tree_has_every_subcommand(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    groups = _by_name(fake_discord.commands or [])
    assert sorted(groups) == ["chat", "recap", "schedule"]
    chat_commands = "status start next pause resume skip extend ask end hide unhide assign"
    assert sorted(_by_name(groups["chat"]["options"])) == sorted(chat_commands.split())
    assert sorted(_by_name(groups["recap"]["options"])) == ["preview", "publish", "series"]
    assert sorted(_by_name(groups["schedule"]["options"])) == [
        "list",
        "pause",
        "resume",
        "skip-next",
    ]
    assert all(group["dm_permission"] is False for group in groups.values())


async def test_chat_arguments_autocomplete_and_minutes_are_bounded(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    groups = _by_name(fake_discord.commands or [])
    chat = groups["chat"]
    start = _options(chat, "start")["chat"]
    assert start == {
        "type": 3,
        "name": "chat",
        "description": "The chat to start",
        "required": True,
        "autocomplete": True,
    }
    assert _options(chat, "next")["chat"]["required"] is False
    assert _options(chat, "next")["chat"]["autocomplete"] is True
    minutes = _options(chat, "extend")["minutes"]
    assert (minutes["type"], minutes["min_value"], minutes["max_value"]) == (4, 1, 60)
    assert _options(chat, "ask")["text"]["required"] is True
    assert _options(chat, "hide")["handle"]["type"] == 3
    assign = _options(chat, "assign")
    assert [(o["name"], o["type"], o["required"]) for o in assign.values()] == [
        ("post", 3, True),
        ("question", 3, True),
    ]
    recap = [("recap", "preview"), ("recap", "publish"), ("recap", "series")]
    for group, sub in [*recap, ("schedule", "skip-next")]:
        assert _options(groups[group], sub)["chat"]["autocomplete"] is True
    assert _options(chat, "status") == {}


async def test_default_permissions_hide_recap_from_non_moderators_in_discord_ui(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    """/chat and /schedule hold open subcommands, so only /recap can carry the default."""
    groups = _by_name(fake_discord.commands or [])
    assert int(groups["recap"]["default_member_permissions"]) == MANAGE_GUILD
    assert groups["chat"]["default_member_permissions"] is None
    assert groups["schedule"]["default_member_permissions"] is None


async def test_the_readme_table_documents_every_command_and_no_other(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    """A command added, renamed or removed without its README row fails here."""
    registered = {
        f"/{group['name']} {sub['name']}"
        for group in fake_discord.commands or []
        for sub in group["options"]
    }
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line[:3] == "| `"]
    documented = {name for row in rows for name in re.findall(r"`(/[a-z]+ [a-z-]+)", row)}
    assert documented == registered
