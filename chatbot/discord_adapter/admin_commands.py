"""The /recap and /schedule command groups."""

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from chatbot.discord_adapter.chat_commands import (
    Autocomplete,
    as_reply,
    format_args,
    slug_autocomplete,
)
from chatbot.discord_adapter.moderation import Moderation, Reply
from chatbot.discord_adapter.render import render_recap, render_schedule
from chatbot.discord_adapter.text import clean
from chatbot.domain.views import ControlResult


def build_recap_group(moderation: Moderation) -> app_commands.Group:
    """Define /recap preview, /recap publish and /recap series (all moderator-only)."""
    control = moderation.control
    slugs = slug_autocomplete(control)
    # The whole group is moderator-only, so Discord's UI can hide it from others too.
    group = app_commands.Group(
        name="recap",
        description="Review and publish a chat's recap",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @group.command(name="preview", description="Show the recap thread before it is posted")
    @app_commands.describe(chat="The chat whose latest recap to show")
    @app_commands.autocomplete(chat=slugs)
    async def preview(interaction: discord.Interaction, chat: str) -> None:
        async def action() -> Reply:
            outcome = await control.recap_preview(chat)
            if isinstance(outcome, ControlResult):
                return Reply(outcome.message, ephemeral=True)
            return Reply(render_recap(outcome), ephemeral=True)

        await moderation.run(
            interaction,
            command="/recap preview",
            arguments=format_args(chat=chat),
            action=action,
            moderator_only=True,
            private=True,
        )

    @group.command(name="publish", description="Post the recap thread on X")
    @app_commands.describe(chat="The chat whose recap to publish")
    @app_commands.autocomplete(chat=slugs)
    async def publish(interaction: discord.Interaction, chat: str) -> None:
        await moderation.run(
            interaction,
            command="/recap publish",
            arguments=format_args(chat=chat),
            action=lambda: as_reply(control.recap_publish(chat)),
            moderator_only=True,
        )

    @group.command(name="series", description="Every week of a chat side by side")
    @app_commands.describe(chat="The chat whose weeks to compare")
    @app_commands.autocomplete(chat=slugs)
    async def series(interaction: discord.Interaction, chat: str) -> None:
        async def action() -> Reply:
            result = await control.recap_series(chat)
            return Reply(clean(result.message), ephemeral=True)

        await moderation.run(
            interaction,
            command="/recap series",
            arguments=format_args(chat=chat),
            action=action,
            moderator_only=True,
            private=True,
        )

    return group


def build_schedule_group(moderation: Moderation) -> app_commands.Group:
    """Define /schedule list (open to all) and the moderator-only schedule changes."""
    control = moderation.control
    slugs = slug_autocomplete(control)
    group = app_commands.Group(
        name="schedule", description="See and change upcoming chats", guild_only=True
    )

    @group.command(name="list", description="List upcoming chats")
    async def list_(interaction: discord.Interaction) -> None:
        async def action() -> Reply:
            return Reply(render_schedule(await control.schedule_list()), ephemeral=True)

        await moderation.run(
            interaction,
            command="/schedule list",
            arguments="",
            action=action,
            moderator_only=False,
            private=True,
        )

    for name, description, method in (
        ("skip-next", "Skip the next occurrence of a chat", control.schedule_skip_next),
        ("pause", "Stop scheduling a chat until resumed", control.schedule_pause),
        ("resume", "Schedule a paused chat again", control.schedule_resume),
    ):
        group.command(name=name, description=description)(
            _schedule_command(moderation, name, method, slugs)
        )
    return group


def _schedule_command(
    moderation: Moderation,
    name: str,
    method: Callable[[str], Awaitable[ControlResult]],
    slugs: Autocomplete,
) -> Callable[[discord.Interaction, str], Coroutine[Any, Any, None]]:
    @app_commands.describe(chat="The chat to change")
    @app_commands.autocomplete(chat=slugs)
    async def callback(interaction: discord.Interaction, chat: str) -> None:
        await moderation.run(
            interaction,
            command=f"/schedule {name}",
            arguments=format_args(chat=chat),
            action=lambda: as_reply(method(chat)),
            moderator_only=True,
        )

    return callback
