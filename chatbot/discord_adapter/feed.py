"""DiscordModeratorChannel: the core's live feed to moderators, queued and batched."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence

import discord

from chatbot.discord_adapter.hide_button import hide_buttons
from chatbot.discord_adapter.move_answer import move_menu
from chatbot.discord_adapter.outbox import Entry, Outbox
from chatbot.discord_adapter.text import NO_MENTIONS, clean, shorten, split_message
from chatbot.discord_adapter.threads import ThreadDirectory, ThreadStore
from chatbot.domain.posts import Network
from chatbot.domain.views import MirroredAnswer
from chatbot.render.safe_text import safe_link

log = logging.getLogger(__name__)

MAIN = "main"  # outbox key of the configured channel itself
ENTRY_CHARS = 1800
# How an answer from another network is marked in the question threads (X's as before).
MARKS = {Network.BLUESKY: "🦋 [Bluesky] ", Network.MASTODON: "🐘 [Mastodon] "}
NAMES = {Network.X: "X", Network.BLUESKY: "Bluesky", Network.MASTODON: "Mastodon"}


class DiscordModeratorChannel:
    """Implements ModeratorChannel: every method queues and returns at once, never raises."""

    def __init__(
        self,
        *,
        channel_id: int,
        client: Callable[[], discord.Client | None],
        flush_interval: float = 2.0,
        max_pending: int = 500,
        retry_max_delay: float = 30.0,
        thread_store: ThreadStore | None = None,
    ) -> None:
        self._channel_id = channel_id
        self._client = client
        self.enabled = True
        self._threads = ThreadDirectory(
            channel_id=channel_id,
            client=self._ready_client,
            retry_max_delay=retry_max_delay,
            store=thread_store,
        )
        self._outbox = Outbox(
            send=self._send,
            interval=flush_interval,
            max_pending=max_pending,
            retry_max_delay=retry_max_delay,
        )

    async def notify(self, text: str) -> None:
        """Post an operational message in the moderators' channel."""
        # The core's own wording may use Markdown; quoted X text must still not ping.
        safe = discord.utils.escape_mentions(text)
        self._queue(MAIN, [Entry(chunk) for chunk in split_message(safe, limit=ENTRY_CHARS)])

    async def chat_started(
        self,
        *,
        occurrence_id: int,
        slug: str,
        title: str,
        hashtag: str,
        questions: Sequence[tuple[int, str]],
    ) -> None:
        """Announce the chat and open a thread per question (in the background)."""
        if not self._accepting():
            return
        try:
            self._threads.open(
                occurrence_id=occurrence_id,
                slug=slug,
                title=title,
                hashtag=hashtag,
                questions=questions,
            )
            for number, text in questions:
                intro = Entry(shorten(f"**Q{number}**: {clean(text)}", limit=ENTRY_CHARS))
                self._queue((occurrence_id, number), [intro])
        except Exception:
            log.exception("Could not queue the announcement of %s", slug)

    async def question_posted(
        self, *, occurrence_id: int, number: int, text: str, url: str, network: Network = Network.X
    ) -> None:
        """Say in the question's thread that it went out on ``network``."""
        link = safe_link(url)
        where = f"Posted on {NAMES[network]} as Q{number}" + (f": <{link}>" if link else "")
        self._queue((occurrence_id, number), [Entry(where)])

    async def mirror_answers(
        self, *, occurrence_id: int, answers: Sequence[MirroredAnswer]
    ) -> None:
        """Queue answers for their question's thread (general ones for the General thread),
        each from Bluesky or Mastodon marked with its network and linked to it there."""
        for answer in answers:
            line = (
                f"{MARKS.get(answer.network, '')}**@{clean(answer.author_username)}** "
                f"({clean(answer.author_name)}): {clean(answer.text)}"
            )
            link = safe_link(answer.url)
            entry = Entry(
                shorten(line, limit=ENTRY_CHARS - 30) + (f" <{link}>" if link else ""),
                hide_handle=answer.author_username,
                move=(answer.post_id, f"@{answer.author_username}: {answer.text}"),
            )
            self._queue((occurrence_id, answer.question_number), [entry])

    def pending(self) -> int:
        """Return how many feed entries wait to be sent."""
        return self._outbox.pending()

    async def close(self) -> None:
        """Stop the background senders."""
        self.enabled = False
        await self._threads.close()
        await self._outbox.close()

    def _accepting(self) -> bool:
        if not self.enabled:
            log.debug("Discord feed is off; dropping a message")
        return self.enabled

    def _queue(self, key: Hashable, entries: list[Entry]) -> None:
        if not self._accepting():
            return
        try:
            self._outbox.put(key, entries)
        except Exception:
            log.exception("Could not queue a Discord feed message for %s", key)

    def _ready_client(self) -> discord.Client:
        client = self._client()
        if client is None:
            raise ConnectionError("not logged in to Discord yet")
        return client

    async def _send(self, key: Hashable, batch: list[Entry]) -> None:
        client = self._ready_client()
        destination, header = self._channel_id, ""
        if isinstance(key, tuple):
            occurrence_id, number = key
            thread_id = await self._threads.thread_for(occurrence_id, number)
            if thread_id is None:
                header = f"**{'General' if number is None else f'Q{number}'}**\n"
            else:
                destination = thread_id
        content = header + "\n".join(entry.text for entry in batch)
        view = _controls(batch)
        channel = client.get_partial_messageable(destination)
        if view is None:
            await channel.send(content, allowed_mentions=NO_MENTIONS, suppress_embeds=True)
        else:
            await channel.send(
                content, view=view, allowed_mentions=NO_MENTIONS, suppress_embeds=True
            )


def _controls(batch: list[Entry]) -> discord.ui.View | None:
    """The buttons and menu under a batch of answers, or None when it needs none."""
    items: list[discord.ui.Item[discord.ui.View]] = [
        *hide_buttons(entry.hide_handle for entry in batch if entry.hide_handle)
    ]
    if menu := move_menu(entry.move for entry in batch if entry.move):
        items.append(menu)
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    # Clicks are routed by the items' custom_id templates (HideAuthorButton,
    # MoveAnswerMenu); a stopped view is not stored per message, so a click is handled
    # once and memory does not grow with the feed.
    view.stop()
    return view
