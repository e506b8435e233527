"""The HTTP session under tweepy: base-URL rewrite, timeouts, what X's headers say, answers
from X's edge that are not X's JSON, and the v2 media upload."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import tweepy
from aiohttp import hdrs
from oauthlib.oauth1 import Client as OAuthClient
from yarl import URL

X_API = "https://api.twitter.com"
MEDIA_UPLOAD_ROUTE = "/2/media/upload"


def rewrite_middleware(base_url: str) -> aiohttp.ClientMiddlewareType:
    """Return a client middleware sending every request to ``base_url`` instead of X's host.

    tweepy signs OAuth 1.0a for the original URL before this runs; only scheme, host, port
    (and an optional path prefix) change, the encoded path and query stay byte for byte.
    """
    base = URL(base_url)
    prefix = base.raw_path.rstrip("/")

    async def rewrite(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        original = request.url
        request.url = URL(
            f"{base.scheme}://{base.raw_authority}{prefix}{original.raw_path_qs}", encoded=True
        )
        host = request.url.host_port_subcomponent
        if host is not None:
            request.headers[hdrs.HOST] = host
        return await handler(request)

    return rewrite


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One of X's rate-limit windows, from the headers of an endpoint's latest response."""

    limit: int
    remaining: int
    reset: datetime


def read_window(headers: Mapping[str, str], prefix: str = "x-rate-limit") -> RateLimit | None:
    """Read ``<prefix>-limit/-remaining/-reset`` (the 24-hour ones are
    ``x-user-limit-24hour`` and ``x-app-limit-24hour``); None when absent."""
    try:
        return RateLimit(
            int(headers[f"{prefix}-limit"]),
            int(headers[f"{prefix}-remaining"]),
            datetime.fromtimestamp(int(headers[f"{prefix}-reset"]), UTC),
        )
    except (KeyError, ValueError):
        return None


class RateLimits:
    """The latest 15-minute limits per endpoint path (e.g. '/2/tweets/search/recent'), and
    the access level X reports for our token ('read', 'read-write'…)."""

    def __init__(self) -> None:
        self._by_path: dict[str, RateLimit] = {}
        self.access_level: str | None = None

    def get(self, path: str) -> RateLimit | None:
        """The latest limits seen for ``path``, if X sent any."""
        return self._by_path.get(path)

    def middleware(self) -> aiohttp.ClientMiddlewareType:
        """A client middleware that records the headers of every response."""

        async def record(
            request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
        ) -> aiohttp.ClientResponse:
            response = await handler(request)
            limit = read_window(response.headers)
            if limit is not None:
                self._by_path[request.url.path] = limit
            self.access_level = response.headers.get("x-access-level", self.access_level)
            return response

        return record


class EdgeError(Exception):
    """X's edge proxy answered an error without X's JSON (an HTML page or nothing)."""

    def __init__(self, status: int, headers: Mapping[str, str], content_type: str) -> None:
        super().__init__(f"HTTP {status} from X's edge ({content_type or 'empty body'})")
        self.status = status
        self.headers = headers


async def edge_guard(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """Raise EdgeError for an error answer whose body is not a JSON object, which tweepy
    cannot read (an HTML page raises a content-type error, an empty one an AttributeError)."""
    response = await handler(request)
    if response.status < 400:
        return response
    body = await response.read()
    try:
        parsed = json.loads(body) if response.content_type.endswith("json") else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        response.release()
        raise EdgeError(response.status, response.headers, response.content_type if body else "")
    return response


def loads(text: str | bytes) -> Any:
    """Decode X's JSON with orjson (half the time of the standard library's on a page of 100
    posts); what orjson refuses and the standard library takes (a lone surrogate escaped in
    a post's text, NaN) is decoded as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


async def read_json(response: aiohttp.ClientResponse) -> Any:
    """The JSON body of an answer tweepy has read and checked (its status), as tweepy's own
    ``response.json()`` gives it: a content type that is not JSON raises aiohttp's
    ContentTypeError, an empty body is None."""
    return await response.json(loads=loads)


def build_session(
    base_url: str, *, timeout_seconds: float, limits: RateLimits | None = None
) -> aiohttp.ClientSession:
    """Return the session tweepy will use; rewrites the host unless it is X's own."""
    middlewares: list[aiohttp.ClientMiddlewareType] = []
    if URL(base_url) != URL(X_API):
        middlewares.append(rewrite_middleware(base_url))
    if limits is not None:
        middlewares.append(limits.middleware())
    middlewares.append(edge_guard)
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_seconds), middlewares=tuple(middlewares)
    )


@dataclass(frozen=True, slots=True)
class OAuth1Credentials:
    """The four OAuth 1.0a user-context secrets (never logged)."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str

    def __repr__(self) -> str:
        return "OAuth1Credentials(***)"

    def sign(self, url: str, method: str) -> dict[str, str]:
        """Return headers carrying an OAuth 1.0a signature for a multipart request."""
        client = OAuthClient(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=self.access_token,
            resource_owner_secret=self.access_token_secret,
        )
        _, headers, _ = client.sign(url, method)
        return dict(headers)


_ERRORS: dict[int, type[tweepy.HTTPException]] = {
    400: tweepy.BadRequest,
    401: tweepy.Unauthorized,
    403: tweepy.Forbidden,
    404: tweepy.NotFound,
    429: tweepy.TooManyRequests,
}


def _media_category(path: Path) -> tuple[str, str]:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime == "image/gif":
        return mime, "tweet_gif"
    if mime.startswith("video/"):
        return mime, "tweet_video"
    return mime, "tweet_image"


async def upload_media(
    session: aiohttp.ClientSession, credentials: OAuth1Credentials, path: Path, data: bytes
) -> str:
    """Upload an image with X's v2 simple upload; return the media id (raises tweepy errors,
    or EdgeError for an answer that is not X's JSON)."""
    url = X_API + MEDIA_UPLOAD_ROUTE
    mime, category = _media_category(path)
    form = aiohttp.FormData()
    form.add_field("media", data, filename=path.name, content_type=mime)
    form.add_field("media_category", category)
    headers = credentials.sign(url, "POST")
    async with session.post(url, data=form, headers=headers) as response:
        body: dict[str, Any] = await response.json(content_type=None)
    if 200 <= response.status < 300:
        return str(body["data"]["id"])
    if response.status == 429:
        reset = response.headers.get("x-rate-limit-reset")
        raise tweepy.TooManyRequests(
            response, response_json=body, reset_time=int(reset) if reset else None
        )
    if response.status >= 500:
        raise tweepy.TwitterServerError(response, response_json=body)
    raise _ERRORS.get(response.status, tweepy.HTTPException)(response, response_json=body)
