"""The repository: every read and write the bot makes, one short transaction each.

Methods are synchronous and hand out domain values; the hosting core reaches them
through ``chatbot.storage.chat_store.SqlChatStore`` (the ``ChatStore`` port), which
runs each call in a worker thread, and code already in a thread (a recap build, the
one-shot CLI commands, tests) calls them directly. ``Repository`` is composed of
one mixin per concern:

- ``chatbot.storage.occurrences``: occurrences and the columns each part changes;
- ``chatbot.storage.usage``: what each occurrence cost on X, and the reads X billed;
- ``chatbot.storage.botposts``: the bot's own posts, intended then sent;
- ``chatbot.storage.collected``: collected posts, answers, participants, metrics;
- ``chatbot.storage.corrections``: moderators' corrections of answers;
- ``chatbot.storage.chat_records``: an occurrence read back for its recap;
- ``chatbot.storage.moderation``: hidden users, schedule overrides, the audit trail;
- ``chatbot.storage.discord_threads``: the Discord threads opened for each occurrence.
"""

from __future__ import annotations

from chatbot.storage.botposts import BotPostStore
from chatbot.storage.chat_records import ChatRecordStore
from chatbot.storage.collected import CollectedStore
from chatbot.storage.corrections import CorrectionStore
from chatbot.storage.discord_threads import DiscordThreadStore
from chatbot.storage.moderation import ModerationStore
from chatbot.storage.occurrences import OccurrenceStore
from chatbot.storage.usage import UsageStore

__all__ = ["Repository"]


class Repository(
    OccurrenceStore,
    BotPostStore,
    CollectedStore,
    CorrectionStore,
    ChatRecordStore,
    UsageStore,
    ModerationStore,
    DiscordThreadStore,
):
    """Reads and writes the bot's tables through one engine."""
