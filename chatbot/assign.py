"""``chatbot assign``: a moderator's correction of an answer from the command line.

It runs the same ``AnswerCorrections`` as ``/chat assign`` in Discord, on the
database alone (no X, no Discord), and writes the audit trail as Discord does,
naming the local user. A chat still being collected by a running bot is refused:
its collector would not know the correction.
"""

from __future__ import annotations

import asyncio
import getpass
from typing import TextIO

from chatbot.app import open_store
from chatbot.clock import SystemClock
from chatbot.hosting.corrections import AnswerCorrections
from chatbot.render.safe_text import printable
from chatbot.settings import Settings
from chatbot.storage.audit import StoreAuditLog
from chatbot.storage.chat_store import SqlChatStore

COMMAND = "chatbot assign"


async def assign_command(
    settings: Settings, post: str, question: str, *, out: TextIO | None = None
) -> int:
    """Put a collected post on ``question`` (0 or none: on none); exit status 1 if refused."""
    repository = await asyncio.to_thread(open_store, settings.database)
    store = SqlChatStore(repository)
    try:
        result = await AnswerCorrections(store=store, clock=SystemClock()).assign(post, question)
    finally:
        await store.close()
    await StoreAuditLog(repository).record(
        actor_id=0,
        actor_name=f"{_local_user()} (command line)",
        command=COMMAND,
        arguments=f"post={post} question={question}",
        allowed=True,
        result=result.message,
    )
    print(printable(result.message), file=out)  # None: the current sys.stdout
    return 0 if result.ok else 1


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without one)
        return "unknown user"
