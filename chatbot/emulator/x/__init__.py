"""A local X API v2 emulator (aiohttp) that tweepy talks to in tests and in the demo."""

from chatbot.emulator.x.auth import DEFAULT_KEYS, Keys
from chatbot.emulator.x.server import XEmulator, seed_demo_world, serve_forever
from chatbot.emulator.x.state import SEARCH_LAG_LIKE_X
from chatbot.emulator.x.store import HOST_USER_ID, HOST_USERNAME

__all__ = [
    "DEFAULT_KEYS",
    "HOST_USERNAME",
    "HOST_USER_ID",
    "SEARCH_LAG_LIKE_X",
    "Keys",
    "XEmulator",
    "seed_demo_world",
    "serve_forever",
]
