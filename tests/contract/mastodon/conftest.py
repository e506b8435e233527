"""The contract tests use the adapter tests' emulator and the emulator tests' raw HTTP."""

from tests.emulator.mastodon.conftest import http  # noqa: F401
from tests.mastodon.conftest import emulator  # noqa: F401
