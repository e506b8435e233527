"""A local Bluesky (PDS, AppView reads and Jetstream, on aiohttp) for the tests and the demo."""

from chatbot.emulator.bluesky.crowd import BlueskyCrowd
from chatbot.emulator.bluesky.server import BlueskyEmulator, seed_demo_world, serve_forever
from chatbot.emulator.bluesky.store import HOST_APP_PASSWORD, HOST_HANDLE, did_for

__all__ = [
    "HOST_APP_PASSWORD",
    "HOST_HANDLE",
    "BlueskyCrowd",
    "BlueskyEmulator",
    "did_for",
    "seed_demo_world",
    "serve_forever",
]
