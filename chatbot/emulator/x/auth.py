"""Who is calling: OAuth 1.0a HMAC-SHA1 signatures checked as X checks them, and app-only
bearer tokens. The emulator knows the secrets it was started with, so a signing bug fails
here with X's 401 instead of on the first real chat."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import web
from oauthlib.oauth1 import Client as Signer
from oauthlib.oauth1.rfc5849 import signature

from chatbot.emulator.x.store import HOST_USER_ID

# tweepy signs for X's host; the request reaches us through a rewrite, so either counts.
X_BASES = ("https://api.twitter.com", "https://api.x.com")
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Keys:
    """One app's keys and one account's access token: what a client signs with."""

    consumer_key: str = "ck"
    consumer_secret: str = "cs"
    access_token: str = f"{HOST_USER_ID}-at"
    access_token_secret: str = "ats"
    bearer_token: str = "emulator-app-bearer-token"


DEFAULT_KEYS = Keys()


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An account's access token: its secret, its account, and whether it may write."""

    secret: str
    user_id: int
    write: bool = True


@dataclass(slots=True)
class Credentials:
    """The app (consumer key and secret), access tokens and bearer tokens X accepts."""

    consumer_key: str
    consumer_secret: str
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    bearer_tokens: set[str] = field(default_factory=set)
    valid: bool = True  # False: every credential is refused (401), e.g. revoked

    @classmethod
    def of(cls, keys: Keys, host_id: int = HOST_USER_ID) -> Credentials:
        """The app of ``keys``, its access token for the account whose id starts the token
        (X's tokens read '<user id>-…'; the host otherwise), and its bearer token."""
        owner, _, _ = keys.access_token.partition("-")
        user_id = int(owner) if owner.isdigit() else host_id
        return cls(
            keys.consumer_key,
            keys.consumer_secret,
            tokens={keys.access_token: AccessToken(keys.access_token_secret, user_id)},
            bearer_tokens={keys.bearer_token} if keys.bearer_token else set(),
        )


@dataclass(slots=True)
class Auth:
    """Who made a request: a user (user context) or the app alone (bearer)."""

    kind: str  # "oauth1" or "bearer"
    user_id: int | None
    write: bool = False


async def authenticate(credentials: Credentials, request: web.Request) -> Auth | None:
    """Return who is calling, or None when X would answer 401."""
    if not credentials.valid:
        return None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        bearer = header.removeprefix("Bearer ").strip()
        return Auth("bearer", None) if bearer in credentials.bearer_tokens else None
    if not header.startswith("OAuth "):
        return None
    params = {k: unquote(v) for k, v in _OAUTH_PARAM.findall(header)}
    token = credentials.tokens.get(params.get("oauth_token", ""))
    if (
        token is None
        or params.get("oauth_consumer_key") != credentials.consumer_key
        or params.get("oauth_signature_method") != "HMAC-SHA1"
        or not params.get("oauth_nonce")
        or not _signed(request, header, await _form(request), params, credentials, token)
    ):
        return None
    return Auth("oauth1", token.user_id, token.write)


async def _form(request: web.Request) -> str | None:
    """The body when it is form-encoded: only then is it signed (not JSON, not multipart)."""
    if request.content_type != _FORM:
        return None
    return (await request.read()).decode("utf-8", "replace")


def _signed(
    request: web.Request,
    header: str,
    form: str | None,
    params: dict[str, str],
    credentials: Credentials,
    token: AccessToken,
) -> bool:
    """Recompute the HMAC-SHA1 signature (RFC 5849 §3.4) and compare it with the claimed one."""
    collected = signature.collect_parameters(
        uri_query=request.rel_url.raw_query_string,
        body=form,
        headers={"Authorization": header},
        exclude_oauth_signature=True,
    )
    normalized = signature.normalize_parameters(collected)
    signer = Signer(
        credentials.consumer_key,
        client_secret=credentials.consumer_secret,
        resource_owner_secret=token.secret,
    )
    for base in (*X_BASES, f"{request.scheme}://{request.host}"):
        uri = signature.base_string_uri(base + request.rel_url.raw_path)
        base_string = signature.signature_base_string(request.method, uri, normalized)
        expected = signature.sign_hmac_sha1_with_client(base_string, signer)
        if signature.safe_string_equals(expected, params.get("oauth_signature", "")):
            return True
    return False
