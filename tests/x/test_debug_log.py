"""The bot's log at DEBUG, with the real tweepy and oauthlib talking to the X emulator."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote, quote_plus

import pytest

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.emulator.x.auth import Keys
from chatbot.logs import configure_logging
from chatbot.x.client import TweepyXClient

# Secrets with characters that percent-encoding changes, as some X keys and tokens have.
SECRETS = {
    "consumer_key": "ck/Key+42=&x",
    "consumer_secret": "cs/Secret+42=&x",
    "access_token": f"{HOST_USER_ID}-at/Tok+42=&x",
    "access_token_secret": "ats/Secret+42=&x",
}


def encodings(secret: str) -> set[str]:
    """The secret as written, percent-encoded once and twice (as an OAuth base string has it)."""
    once = {quote(secret, safe=""), quote(secret, safe="~"), quote_plus(secret)}
    return {secret, *once, *(quote(form, safe="") for form in once)}


@pytest.fixture
async def emulator() -> AsyncIterator[XEmulator]:
    """The X emulator, checking signatures made with these secrets as X would."""
    emu = XEmulator(keys=Keys(**SECRETS))
    await emu.start("127.0.0.1", 0)
    yield emu
    await emu.stop()


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG, into a string; undone afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = io.StringIO()
    configure_logging("DEBUG", SECRETS.values(), out)
    yield out
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_no_form_of_a_secret_reaches_the_debug_log(
    emulator: XEmulator, debug_log: io.StringIO
) -> None:
    client = TweepyXClient(**SECRETS, base_url=emulator.base_url)
    try:
        await client.create_post("Q1 hello #SMBchat")
        await client.search_recent("#SMBchat", since_id=None)
    finally:
        await client.close()

    log = debug_log.getvalue()
    assert "signature base string" in log  # oauthlib did log its parameters
    assert "**********" in log
    for secret in SECRETS.values():
        for form in encodings(secret):
            assert form not in log, f"{form!r} is in the log"
