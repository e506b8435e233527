"""``SqlChatStore``: the ``ChatStore`` port on the repository, each call in a worker thread.

The repository's methods are synchronous SQLAlchemy work; run on the event loop they
would hold up every chat, Discord and X while the database answers (a pass can store
10,000 posts). Each port method here runs its repository method on the store's own
thread instead: one thread, so calls run one at a time in the order they were made,
as they did on the loop, and two writers never race (a participant of two chats, a
post carrying two chats' hashtags, one chat's posting and collecting adding usage).
A caller cancelled while it waits does not stop the call: a write that began is
finished and committed, and ``close`` waits for every such write.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from chatbot.storage.repository import Repository

P = ParamSpec("P")
T = TypeVar("T")


def _in_thread(
    method: Callable[Concatenate[Repository, P], T],
) -> Callable[Concatenate[SqlChatStore, P], Coroutine[Any, Any, T]]:
    name = method.__name__

    async def call(self: SqlChatStore, *args: P.args, **kwargs: P.kwargs) -> T:
        work = functools.partial(getattr(self.repository, name), *args, **kwargs)
        result: T = await asyncio.get_running_loop().run_in_executor(self._thread, work)
        return result

    call.__name__, call.__doc__ = name, method.__doc__
    return call


class SqlChatStore:
    """Implements ``chatbot.ports.ChatStore`` on a ``Repository``."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="chat-store")

    async def close(self) -> None:
        """Wait for the calls in flight to finish, then stop the store's threads."""
        await asyncio.to_thread(self._thread.shutdown)

    get_or_create_occurrence = _in_thread(Repository.get_or_create_occurrence)
    get_occurrence = _in_thread(Repository.get_occurrence)
    find_occurrence = _in_thread(Repository.find_occurrence)
    latest_occurrence = _in_thread(Repository.latest_occurrence)
    live_occurrences = _in_thread(Repository.live_occurrences)
    collecting_occurrences = _in_thread(Repository.collecting_occurrences)
    open_occurrence = _in_thread(Repository.open_occurrence)
    save_flow = _in_thread(Repository.save_flow)
    end_occurrence = _in_thread(Repository.end_occurrence)
    finish_collection = _in_thread(Repository.finish_collection)
    skip_occurrence = _in_thread(Repository.skip_occurrence)
    set_recap_state = _in_thread(Repository.set_recap_state)

    intend_post = _in_thread(Repository.intend_post)
    mark_sent = _in_thread(Repository.mark_sent)
    mark_failed = _in_thread(Repository.mark_failed)
    bot_posts = _in_thread(Repository.bot_posts)
    bot_post = _in_thread(Repository.bot_post)

    unseen = _in_thread(Repository.unseen)
    record_collection = _in_thread(Repository.record_collection)
    posts_above = _in_thread(Repository.posts_above)
    answers = _in_thread(Repository.answers)
    count_collected = _in_thread(Repository.count_collected)
    collected_post_ids = _in_thread(Repository.collected_post_ids)
    update_metrics = _in_thread(Repository.update_metrics)
    find_collected = _in_thread(Repository.find_collected)
    post_id_at = _in_thread(Repository.post_id_at)
    correct_answer = _in_thread(Repository.correct_answer)

    hidden_usernames = _in_thread(Repository.hidden_usernames)
    hide_user = _in_thread(Repository.hide_user)
    unhide_user = _in_thread(Repository.unhide_user)
    schedule_state = _in_thread(Repository.schedule_state)
    save_schedule_state = _in_thread(Repository.save_schedule_state)

    add_usage = _in_thread(Repository.add_usage)
    usage = _in_thread(Repository.usage)
