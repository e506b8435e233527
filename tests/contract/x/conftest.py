"""The contract tests use the X adapter tests' emulator and raw-HTTP fixtures."""

from tests.x.conftest import api, emulator, image  # noqa: F401
