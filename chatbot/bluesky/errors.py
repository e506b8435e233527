"""What the Bluesky adapter reports: a few failures the hosting layer can act on."""

from __future__ import annotations

from datetime import datetime


class BlueskyError(Exception):
    """Base of every failure the Bluesky adapter reports."""


class BlueskyAuthError(BlueskyError):
    """The PDS refused the handle and app password (or the account): posting must stop
    and moderators be told; retrying with the same credentials cannot help."""


class BlueskyRefusedError(BlueskyError):
    """The PDS refused the request itself (400: an invalid record, a bad parameter).
    Sending the same request again would be refused again. ``error`` is the XRPC error
    name (``InvalidRequest``, ``BadQueryString``…)."""

    def __init__(self, message: str, *, error: str = "") -> None:
        super().__init__(message)
        self.error = error


class BlueskyUnavailableError(BlueskyError):
    """The PDS or Jetstream could not be reached or kept failing after bounded retries."""


class BlueskyRateLimitedError(BlueskyUnavailableError):
    """A rate limit is spent until ``reset_at`` (None: the PDS did not say). Raised at once
    when the reset is further away than the adapter may wait (the daily write budget)."""

    def __init__(self, message: str, *, reset_at: datetime | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at
