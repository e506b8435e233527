"""X's error bodies (RFC 7807 problems) and the parameter parsing that produces them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content."
UNKNOWN_AUTH = (
    "Authenticating with Unknown is forbidden for this endpoint.  Supported authentication "
    "types are [OAuth 1.0a User Context, OAuth 2.0 Application-Only, OAuth 2.0 User Context]."
)
_TITLES = {
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


def json_response(
    body: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Answer with JSON, ``application/json; charset=utf-8`` as X sends it."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        headers=dict(headers or {}),
        content_type="application/json",
        charset="utf-8",
    )


def problem(status: int, detail: str | None = None, *, title: str | None = None,
            type_: str = "about:blank") -> web.Response:  # fmt: skip
    """Answer with X's problem body: title, detail, type and status."""
    title = title or _TITLES.get(status, "Error")
    body = {"title": title, "detail": detail or title, "type": type_, "status": status}
    return json_response(body, status)


def credits_depleted() -> web.Response:
    """The 402 a pay-per-use account gets once its credits run out (seen in the field)."""
    return problem(
        402,
        "Your enrolled account does not have any credits to fulfill this request.",
        type_="https://api.x.com/2/problems/credits-depleted",
    )


def no_write_permission() -> web.Response:
    """The 403 for an access token made before the app had Read and write permission."""
    return problem(
        403,
        "Your client app is not configured with the appropriate oauth1 app permissions "
        "for this endpoint.",
        type_="https://api.twitter.com/2/problems/oauth1-permissions",
    )


def edge_page(status: int, kind: str) -> web.Response:
    """What X's edge proxy answers by itself: an HTML page ("html") or nothing ("empty")."""
    if kind == "empty":
        return web.Response(status=status, body=b"", content_type="application/json")
    title = f"{status} {_TITLES.get(status, 'Error')}"
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return web.Response(status=status, text=page, content_type="text/html", charset="utf-8")


def failure(status: int, kind: str = "problem") -> web.Response:
    """An injected failure: X's problem body, an edge page, or the intermittent 403."""
    if kind in ("html", "empty"):
        return edge_page(status, kind)
    if kind == "unknown-auth":
        return problem(
            403,
            UNKNOWN_AUTH,
            title="Unsupported Authentication",
            type_="https://api.twitter.com/2/problems/unsupported-authentication",
        )
    if status == 402:
        return credits_depleted()
    return problem(status)


class InvalidRequest(Exception):
    """A parameter is invalid: X answers 400 with an ``errors`` list."""

    def __init__(self, message: str, parameter: str | None = None, value: str | None = None):
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.value = value

    def response(self) -> web.Response:
        """Return the 400 body X sends for an invalid request."""
        error: dict[str, Any] = {"message": self.message}
        if self.parameter is not None:
            error = {"parameters": {self.parameter: [self.value or ""]}} | error
        body = {
            "errors": [error],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": INVALID_REQUEST,
        }
        return json_response(body, 400)


def not_found_error(value: str, parameter: str, resource: str = "tweet") -> dict[str, Any]:
    """Return one entry of the partial ``errors`` list for an id that does not exist."""
    return {
        "value": value,
        "detail": f"Could not find {resource} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource,
        "parameter": parameter,
        "resource_id": value,
        "type": NOT_FOUND,
    }


def parse_time(query: Mapping[str, str], name: str) -> datetime | None:
    """Read an RFC 3339 timestamp parameter; raise InvalidRequest when malformed."""
    raw = query.get(name)
    if raw is None:
        return None
    if not _TIME.fullmatch(raw):
        raise InvalidRequest(
            f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 timestamp.", name, raw
        )
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment.astimezone(UTC)


def parse_id(query: Mapping[str, str], name: str) -> int | None:
    """Read a numeric id parameter; raise InvalidRequest when it is not one."""
    raw = query.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 19:
        raise InvalidRequest(
            f"The `{name}` query parameter value [{raw}] does not match ^[0-9]{{1,19}}$",
            name,
            raw,
        )
    return int(raw)


def check_parameters(query: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    """X answers 400 for a query parameter the endpoint does not take."""
    for name, value in query.items():
        if name not in allowed:
            raise InvalidRequest(
                f"The query parameter [{name}] is not one of [{','.join(allowed)}]", name, value
            )


def parse_max_results(query: Mapping[str, str], *, low: int, high: int, default: int) -> int:
    """Read ``max_results``; X answers 400 when it is outside [low, high]."""
    raw = query.get("max_results")
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidRequest(
            f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
            "max_results",
            raw,
        )
    return int(raw)


def format_param_time(moment: datetime) -> str:
    """Format a time the way X quotes it back in error messages."""
    return moment.strftime("%Y-%m-%dT%H:%MZ")
