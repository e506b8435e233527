"""The "Hide author" button under mirrored answers, and what a click does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import discord

from chatbot.discord_adapter.chat_commands import as_reply
from chatbot.discord_adapter.moderation import Moderation, Reply
from chatbot.discord_adapter.text import shorten

PREFIX = "chatbot:hide:"
# Handles as mentions write them: X's (1–15 letters, digits or underscores), Bluesky's
# (a domain name: ana.bsky.social), Mastodon's (ana@mastodon.social); anything else, or a
# handle too long for Discord's 100-character custom_id, gets no button.
HANDLE = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
_HANDLE_RE = re.compile(HANDLE)
CUSTOM_ID_CHARS = 100
LABEL_CHARS = 80  # Discord's limit for a button's label
MAX_BUTTONS = 20  # 4 rows of 5 buttons; the fifth row holds the "Move a post" menu


def can_hide(handle: str) -> bool:
    """Return True when ``handle`` fits in a button's custom_id."""
    fits = len(PREFIX) + len(handle) <= CUSTOM_ID_CHARS
    return fits and _HANDLE_RE.fullmatch(handle) is not None


def hide_custom_id(handle: str) -> str:
    """Return the custom_id of the button that hides ``handle``."""
    return f"{PREFIX}{handle}"


def hide_buttons(handles: Iterable[str]) -> list[discord.ui.Button[Any]]:
    """One "Hide @handle" button per author of a mirrored batch (at most ``MAX_BUTTONS``)."""
    unique = list(dict.fromkeys(h for h in handles if can_hide(h)))[:MAX_BUTTONS]
    return [_button(handle) for handle in unique]


def _button(handle: str) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=shorten(f"Hide @{handle}", limit=LABEL_CHARS),
        style=discord.ButtonStyle.secondary,
        custom_id=hide_custom_id(handle),
    )


class HideAuthorButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.escape(PREFIX) + f"(?P<handle>{HANDLE})",
):
    """Handles clicks on any "Hide @handle" button, even from before a restart."""

    def __init__(self, handle: str) -> None:
        super().__init__(_button(handle))
        self.handle = handle

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item,
        match: re.Match[str],
        /,
    ) -> HideAuthorButton:
        """Rebuild the button from the custom_id Discord sent back."""
        return cls(match["handle"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hide the author after the same permission check and audit as /chat hide."""
        moderation: Moderation = interaction.client.moderation  # type: ignore[attr-defined]
        handle = self.handle

        async def action() -> Reply:
            return await as_reply(moderation.control.hide(handle))

        await moderation.run(
            interaction,
            command="Hide author button",
            arguments=f"handle={handle}",
            action=action,
            moderator_only=True,
        )
