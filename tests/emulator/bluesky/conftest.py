"""The emulator's tests use the adapter tests' emulator and raw XRPC fixtures."""

from tests.bluesky.conftest import emulator, xrpc  # noqa: F401
