"""A local Mastodon instance emulator (aiohttp) that Mastodon.py talks to in tests and the
demo: REST, hashtag streaming, Idempotency-Key, rate limits and a control API."""

from chatbot.emulator.mastodon.server import DEFAULT_DOMAIN, MastodonEmulator
from chatbot.emulator.mastodon.state import DEFAULT_TOKEN
from chatbot.emulator.mastodon.store import HOST_USERNAME

__all__ = ["DEFAULT_DOMAIN", "DEFAULT_TOKEN", "HOST_USERNAME", "MastodonEmulator"]
