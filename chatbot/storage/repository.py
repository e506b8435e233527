"""The repository: every read and write the bot makes, one short transaction each.

Methods are synchronous and quick; async callers run them in a worker thread
(``asyncio.to_thread``) so the event loop never waits on the database.
``ChatStore`` is composed of one mixin per concern:

- ``chatbot.storage.occurrences``: occurrences and their X usage;
- ``chatbot.storage.botposts``: the bot's own posts, intended then sent;
- ``chatbot.storage.collected``: collected posts, answers, participants, metrics;
- ``chatbot.storage.moderation``: hidden users, schedule overrides, the audit trail;
- ``chatbot.storage.discord_threads``: the Discord threads opened for each occurrence.
"""

from __future__ import annotations

from chatbot.storage.botposts import BotPostStore
from chatbot.storage.collected import CollectedStore
from chatbot.storage.discord_threads import DiscordThreadStore
from chatbot.storage.moderation import ModerationStore
from chatbot.storage.occurrences import LIVE_STATES, OccurrenceStore

__all__ = ["LIVE_STATES", "ChatStore"]


class ChatStore(OccurrenceStore, BotPostStore, CollectedStore, ModerationStore, DiscordThreadStore):
    """Reads and writes the bot's tables through one engine."""
