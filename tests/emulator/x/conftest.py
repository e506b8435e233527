"""The emulator's tests use the same emulator and raw-HTTP fixtures as the X adapter's."""

from tests.x.conftest import api, emulator, image  # noqa: F401
