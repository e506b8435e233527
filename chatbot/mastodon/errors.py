"""What can go wrong on Mastodon, in the few kinds the hosting layer acts on (as the X
adapter's XError family in ``chatbot.ports``)."""

from __future__ import annotations

from datetime import datetime


class MastodonError(Exception):
    """Base of every failure the Mastodon adapter reports."""


class MastodonAuthError(MastodonError):
    """The instance refused the access token (401), or it lacks a scope (403): posting
    stops until someone makes a new token."""


class MastodonUnavailableError(MastodonError):
    """The instance could not be reached or kept failing after bounded retries."""


class MastodonRateLimitedError(MastodonUnavailableError):
    """The rate limit is spent until ``reset_at`` (None: the instance did not say); raised
    when that is further away than the adapter may wait."""

    def __init__(self, message: str, *, reset_at: datetime | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class MastodonRefusedError(MastodonError):
    """The instance refused the request itself (4xx other than 401 and 429): sending it
    again would be refused again."""


class MastodonTooLongError(MastodonRefusedError):
    """The status is longer than the instance allows (422 "character limit")."""


class MastodonNotFoundError(MastodonRefusedError):
    """The status (or the one replied to) does not exist, or no longer does (404)."""
