"""Make untrusted text safe for Discord and fit it into Discord's limits."""

from __future__ import annotations

import discord

MESSAGE_LIMIT = 2000

# Nothing in anything the bot sends may ping anyone: X text is untrusted.
NO_MENTIONS = discord.AllowedMentions.none()


def clean(text: str) -> str:
    """Escape Markdown and neutralise @-mentions in text that came from outside."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def shorten(text: str, *, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def split_message(text: str, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters, at line breaks when possible."""
    if not text:
        return ["(empty)"]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return [chunk if chunk.strip() else "\u200b" for chunk in chunks]
