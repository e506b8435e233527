"""The Bluesky adapter: the bot's account over ``atproto``, and a Jetstream consumer."""

from chatbot.bluesky.client import BlueskyClient
from chatbot.bluesky.errors import (
    BlueskyAuthError,
    BlueskyError,
    BlueskyRateLimitedError,
    BlueskyRefusedError,
    BlueskyUnavailableError,
)
from chatbot.bluesky.jetstream import Backoff, JetstreamConsumer
from chatbot.bluesky.retry import RetryPolicy
from chatbot.bluesky.text import LENGTH_RULE, grapheme_length, length_problem
from chatbot.bluesky.tid import new_rkey

__all__ = [
    "LENGTH_RULE",
    "Backoff",
    "BlueskyAuthError",
    "BlueskyClient",
    "BlueskyError",
    "BlueskyRateLimitedError",
    "BlueskyRefusedError",
    "BlueskyUnavailableError",
    "JetstreamConsumer",
    "RetryPolicy",
    "grapheme_length",
    "length_problem",
    "new_rkey",
]
