"""The "Move a post" menu under mirrored answers: a moderator's correction from the feed.

Choosing a post opens a form asking which question it answers; what the moderator
types goes to ``ChatControl.assign`` with the same permission check and audit as
``/chat assign``. Neither the menu nor the form is kept in memory: both are routed
by their custom_id (the form's carries the post id), so they work after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import discord

from chatbot.discord_adapter.chat_commands import as_reply
from chatbot.discord_adapter.moderation import Moderation, Reply
from chatbot.discord_adapter.text import shorten

COMMAND = "Move answer menu"
MENU_ID = "chatbot:move"
FORM_PREFIX = "chatbot:assign:"
# Bluesky's and Mastodon's posts have negative stored ids (domain.network.stored_id).
_FORM_ID = re.compile(re.escape(FORM_PREFIX) + r"(-?[0-9]{1,20})")
FIELD_ID = "question"
MAX_OPTIONS = 25  # Discord's limit for one menu


def move_menu(posts: Iterable[tuple[int, str]]) -> discord.ui.Select[Any] | None:
    """The menu listing a mirrored batch's posts (id, "@handle: text"), or None if empty."""
    options = [
        discord.SelectOption(label=shorten(" ".join(summary.split()), limit=100), value=str(pid))
        for pid, summary in posts
    ][:MAX_OPTIONS]
    if not options:
        return None
    return discord.ui.Select(
        custom_id=MENU_ID, placeholder="Move a post to another question…", options=options
    )


class QuestionForm(discord.ui.Modal, title="Which question does it answer?"):
    """The form a moderator fills in after choosing a post in the menu."""

    question: discord.ui.TextInput[QuestionForm] = discord.ui.TextInput(
        label="Question number (0 or none: not an answer)",
        custom_id=FIELD_ID,
        placeholder="2",
        max_length=20,
    )

    def __init__(self, post_id: int) -> None:
        super().__init__(custom_id=f"{FORM_PREFIX}{post_id}", timeout=None)


class MoveAnswerMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=re.escape(MENU_ID)):
    """Handles a choice in any "Move a post" menu, even one sent before a restart."""

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> MoveAnswerMenu:
        """Wrap the menu as the message holds it (its options, the choice made)."""
        assert isinstance(item, discord.ui.Select)
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Ask a moderator which question the chosen post answers."""
        moderation: Moderation = interaction.client.moderation  # type: ignore[attr-defined]
        post_id = int(self.item.values[0])
        if not await moderation.permitted(
            interaction, command=COMMAND, arguments=f"post={post_id}"
        ):
            return
        form = QuestionForm(post_id)
        await interaction.response.send_modal(form)
        form.stop()  # its answer is routed by custom_id (``form_submitted``), not by this object


async def form_submitted(interaction: discord.Interaction) -> None:
    """Apply a filled-in ``QuestionForm``; other modal submissions are not ours."""
    data: Mapping[str, Any] = interaction.data or {}
    found = _FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if found is None:
        return
    moderation: Moderation = interaction.client.moderation  # type: ignore[attr-defined]
    post_id, question = found[1], _field(data, FIELD_ID)

    async def action() -> Reply:
        return await as_reply(moderation.control.assign(post_id, question))

    await moderation.run(
        interaction,
        command=COMMAND,
        arguments=f"post={post_id} question={question}",
        action=action,
        moderator_only=True,
    )


def _field(data: Mapping[str, Any], custom_id: str) -> str:
    """The value typed into a form's field, wherever the payload nests it."""
    # Rows hold components; a label (Discord's newer forms) holds one component.
    children = [*data.get("components", ()), *([data["component"]] if "component" in data else [])]
    for child in children:
        if child.get("custom_id") == custom_id:
            return str(child.get("value", ""))
        if found := _field(child, custom_id):
            return found
    return ""
