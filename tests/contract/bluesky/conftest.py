"""Fixtures for the Bluesky contract tests: the fixture server and the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bluesky.conftest import emulator, sleeps, xrpc  # noqa: F401
from tests.contract.bluesky.fixture_bluesky import FixtureBluesky


@pytest.fixture
async def recorded() -> AsyncIterator[FixtureBluesky]:
    """A server answering with the recorded fixtures."""
    server = FixtureBluesky()
    await server.start()
    yield server
    await server.stop()
