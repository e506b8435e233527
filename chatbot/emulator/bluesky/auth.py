"""Sessions as a PDS makes them: app-password login, HS256 access and refresh JWTs.

The access token lives two hours, the refresh token ninety days (the PDS's defaults);
a refresh rotates both and revokes the refresh token used. A token past its ``exp`` on
the emulator's clock, or expired through the control API, is answered 400 ExpiredToken
"Token has expired", as the PDS does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from chatbot.emulator.bluesky.errors import XrpcError, invalid

ACCESS_SCOPE = "com.atproto.appPass"  # an app password's session
REFRESH_SCOPE = "com.atproto.refresh"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(slots=True)
class Sessions:
    """Issues and checks the JWTs of one PDS."""

    now: Callable[[], datetime]
    service_did: str
    access_ttl: timedelta = timedelta(hours=2)
    refresh_ttl: timedelta = timedelta(days=90)
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    refresh_ids: dict[str, str] = field(default_factory=dict)  # live jti -> did
    expired: set[str] = field(default_factory=set)  # tokens expired by the control API
    issued: list[str] = field(default_factory=list)  # every access token, for expiry

    def issue(self, did: str) -> dict[str, str]:
        """A fresh pair of tokens for ``did``."""
        now = int(self.now().timestamp())
        # A jti the PDS's access tokens lack, so that two issued in one second differ
        # (the control API expires tokens one by one).
        access = self._sign(
            {"typ": "at+jwt", "alg": "HS256"},
            {
                "scope": ACCESS_SCOPE,
                "aud": self.service_did,
                "sub": did,
                "iat": now,
                "exp": now + int(self.access_ttl.total_seconds()),
                "jti": secrets.token_urlsafe(12),
            },
        )
        jti = secrets.token_urlsafe(24)
        refresh = self._sign(
            {"typ": "refresh+jwt", "alg": "HS256"},
            {
                "scope": REFRESH_SCOPE,
                "aud": self.service_did,
                "sub": did,
                "jti": jti,
                "iat": now,
                "exp": now + int(self.refresh_ttl.total_seconds()),
            },
        )
        self.refresh_ids[jti] = did
        self.issued.append(access)
        return {"accessJwt": access, "refreshJwt": refresh}

    def _sign(self, header: dict[str, str], payload: dict[str, Any]) -> str:
        signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        signature = hmac.new(self.key, signing.encode(), hashlib.sha256).digest()
        return f"{signing}.{_b64(signature)}"

    def verify(self, token: str, scope: str) -> dict[str, Any]:
        """The payload of a valid token of ``scope``; raise the PDS's error otherwise."""
        try:
            signing, _, signature = token.rpartition(".")
            expected = hmac.new(self.key, signing.encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(signature)):
                raise ValueError("bad signature")
            payload: dict[str, Any] = json.loads(_unb64(signing.split(".")[1]))
        except (ValueError, IndexError) as exc:
            raise invalid("Token could not be verified", "InvalidToken") from exc
        if token in self.expired or payload.get("exp", 0) <= self.now().timestamp():
            raise invalid("Token has expired", "ExpiredToken")
        if payload.get("scope") != scope:
            raise invalid("Bad token scope", "InvalidToken")
        return payload

    def rotate(self, refresh_token: str) -> dict[str, str]:
        """Trade a refresh token for a new pair; the old one is revoked."""
        payload = self.verify(refresh_token, REFRESH_SCOPE)
        did = self.refresh_ids.pop(str(payload.get("jti")), None)
        if did is None:
            raise invalid("Token has been revoked", "ExpiredToken")
        return self.issue(did)

    def expire_access(self) -> None:
        """Make every access token issued so far expired (as if two hours had passed)."""
        self.expired.update(self.issued)

    def expire_refresh(self) -> None:
        """Revoke every refresh token issued so far: only a new login works."""
        self.refresh_ids.clear()


def bearer(request: web.Request) -> str | None:
    """The bearer token of a request, or None when it sends none."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token:
        raise invalid("Unexpected authorization type", "InvalidToken")
    return token


def authenticated_did(request: web.Request, sessions: Sessions, *, required: bool) -> str | None:
    """The DID of the request's access token; 401 AuthMissing when one is required."""
    token = bearer(request)
    if token is None:
        if required:
            raise XrpcError(401, "Authentication Required", "AuthMissing")
        return None
    return str(sessions.verify(token, ACCESS_SCOPE)["sub"])
