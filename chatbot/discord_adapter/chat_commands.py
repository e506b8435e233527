"""The /chat command group: each subcommand calls one ChatControl method."""

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from chatbot.discord_adapter.moderation import Moderation, Reply
from chatbot.discord_adapter.render import render_status
from chatbot.discord_adapter.text import clean
from chatbot.domain.commands import EXTEND_MAX, EXTEND_MIN, ask_refusal, clean_handle
from chatbot.domain.views import ControlResult
from chatbot.ports import ChatControl

log = logging.getLogger(__name__)

CHAT_HELP = "Which chat (only needed when several are live)"
Autocomplete = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


async def as_reply(pending: Awaitable[ControlResult]) -> Reply:
    """Show a ControlResult: public when it worked, to the caller only when it did not."""
    result = await pending
    # Results may quote X handles and text: show them literally, never as Markdown.
    return Reply(clean(result.message), ephemeral=not result.ok)


def format_args(**arguments: object) -> str:
    """Render command arguments for the audit log, skipping the ones not given."""
    return " ".join(f"{key}={value}" for key, value in arguments.items() if value is not None)


def slug_autocomplete(control: ChatControl) -> Autocomplete:
    """Build the autocomplete callback offering the chat slugs that contain what was typed."""

    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        try:
            slugs = control.chat_slugs()
        except Exception:
            log.exception("chat_slugs() failed during autocomplete")
            return []
        matches = [slug for slug in slugs if needle in slug.casefold()]
        return [app_commands.Choice(name=slug, value=slug) for slug in matches[:25]]

    return complete


def build_chat_group(moderation: Moderation) -> app_commands.Group:
    """Define /chat and its subcommands."""
    control = moderation.control
    slugs = slug_autocomplete(control)
    group = app_commands.Group(name="chat", description="Run the live chat", guild_only=True)

    @group.command(name="status", description="Upcoming chats and the live one")
    async def status(interaction: discord.Interaction) -> None:
        async def action() -> Reply:
            return Reply(render_status(await control.status()), ephemeral=True)

        await moderation.run(
            interaction,
            command="/chat status",
            arguments="",
            action=action,
            moderator_only=False,
            private=True,
        )

    @group.command(name="start", description="Start a chat now")
    @app_commands.describe(chat="The chat to start")
    @app_commands.autocomplete(chat=slugs)
    async def start(interaction: discord.Interaction, chat: str) -> None:
        await moderation.run(
            interaction,
            command="/chat start",
            arguments=format_args(chat=chat),
            action=lambda: as_reply(control.start_now(chat)),
            moderator_only=True,
        )

    for name, description, method in (
        ("next", "Post the next question now", control.next_question),
        ("pause", "Pause the live chat's timers", control.pause),
        ("resume", "Resume a paused chat", control.resume),
        ("skip", "Skip the next question", control.skip),
        ("end", "Close the chat now (last call, closing post)", control.end),
    ):
        group.command(name=name, description=description)(_slug_command(moderation, name, method))

    @group.command(name="extend", description="Give the current question more time")
    @app_commands.describe(minutes=f"Extra minutes ({EXTEND_MIN}–{EXTEND_MAX})", chat=CHAT_HELP)
    @app_commands.autocomplete(chat=slugs)
    async def extend(
        interaction: discord.Interaction,
        minutes: app_commands.Range[int, EXTEND_MIN, EXTEND_MAX],
        chat: str | None = None,
    ) -> None:
        await moderation.run(
            interaction,
            command="/chat extend",
            arguments=format_args(minutes=minutes, chat=chat),
            action=lambda: as_reply(control.extend(minutes, chat)),
            moderator_only=True,
        )

    @group.command(name="ask", description="Post an extra question now")
    @app_commands.describe(text="The question, at most 280 characters as X counts them")
    @app_commands.describe(chat=CHAT_HELP)
    @app_commands.autocomplete(chat=slugs)
    async def ask(interaction: discord.Interaction, text: str, chat: str | None = None) -> None:
        async def action() -> Reply:
            # Refused here, privately, before the chat is even looked up; the flow decides
            # again with the question's number and the hashtag.
            refusal = ask_refusal(text)
            if refusal:
                return Reply(refusal, ephemeral=True)
            return await as_reply(control.ask(text, chat))

        await moderation.run(
            interaction,
            command="/chat ask",
            arguments=format_args(text=text, chat=chat),
            action=action,
            moderator_only=True,
        )

    @group.command(name="assign", description="Move a collected post to another question")
    @app_commands.describe(
        post="The post's x.com or twitter.com link, or its id",
        question="The question it answers (a number), or 0 / none when it is not an answer",
    )
    async def assign(interaction: discord.Interaction, post: str, question: str) -> None:
        await moderation.run(
            interaction,
            command="/chat assign",
            arguments=format_args(post=post, question=question),
            action=lambda: as_reply(control.assign(post, question)),
            moderator_only=True,
        )

    for handle_name, handle_description, handle_method in (
        ("hide", "Stop mirroring and counting an author's posts", control.hide),
        ("unhide", "Show a hidden author's posts again", control.unhide),
    ):
        group.command(name=handle_name, description=handle_description)(
            _handle_command(moderation, handle_name, handle_method)
        )
    return group


def _slug_command(
    moderation: Moderation, name: str, method: Callable[..., Awaitable[ControlResult]]
) -> Callable[[discord.Interaction, str | None], Coroutine[Any, Any, None]]:
    @app_commands.describe(chat=CHAT_HELP)
    @app_commands.autocomplete(chat=slug_autocomplete(moderation.control))
    async def callback(interaction: discord.Interaction, chat: str | None = None) -> None:
        await moderation.run(
            interaction,
            command=f"/chat {name}",
            arguments=format_args(chat=chat),
            action=lambda: as_reply(method(chat)),
            moderator_only=True,
        )

    return callback


def _handle_command(
    moderation: Moderation, name: str, method: Callable[..., Awaitable[ControlResult]]
) -> Callable[[discord.Interaction, str, str | None], Coroutine[Any, Any, None]]:
    @app_commands.describe(handle="The author's X handle, e.g. @someone", chat=CHAT_HELP)
    @app_commands.autocomplete(chat=slug_autocomplete(moderation.control))
    async def callback(
        interaction: discord.Interaction, handle: str, chat: str | None = None
    ) -> None:
        name_only = clean_handle(handle)
        await moderation.run(
            interaction,
            command=f"/chat {name}",
            arguments=format_args(handle=name_only, chat=chat),
            action=lambda: as_reply(method(name_only, chat)),
            moderator_only=True,
        )

    return callback
