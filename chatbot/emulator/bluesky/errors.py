"""XRPC error answers, as a PDS (express, @atproto/xrpc-server) sends them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from chatbot.emulator.x.errors import edge_page

# ResponseTypeStrings of @atproto/xrpc: the message a PDS gives when it gives none.
_MESSAGES = {
    400: "Invalid Request",
    401: "Authentication Required",
    403: "Forbidden",
    404: "XRPC Not Supported",
    413: "Payload Too Large",
    429: "Rate Limit Exceeded",
    500: "Internal Server Error",
    501: "Method Not Implemented",
    502: "Upstream Failure",
    503: "Not Enough Resources",
    504: "Upstream Timeout",
}
_NAMES = {
    400: "InvalidRequest",
    401: "AuthenticationRequired",
    403: "Forbidden",
    404: "XRPCNotSupported",
    413: "PayloadTooLarge",
    429: "RateLimitExceeded",
    500: "InternalServerError",
    501: "MethodNotImplemented",
    502: "UpstreamFailure",
    503: "NotEnoughResources",
    504: "UpstreamTimeout",
}


def json_response(
    body: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Answer with JSON as express does: ``application/json; charset=utf-8``."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        headers=dict(headers or {}),
        content_type="application/json",
        charset="utf-8",
    )


class XrpcError(Exception):
    """An XRPC failure: HTTP status, error name and message (the name defaults to the
    status's, e.g. 400 InvalidRequest; a 500 never shows its details)."""

    def __init__(self, status: int, message: str | None = None, error: str | None = None):
        super().__init__(message or _MESSAGES.get(status, "Error"))
        self.status = status
        self.error = error or _NAMES.get(status, "InternalServerError")
        self.message = message or _MESSAGES.get(status, "Error")
        if status == 500:
            self.message = _MESSAGES[500]

    def body(self) -> dict[str, str]:
        """The ``{"error": …, "message": …}`` body."""
        return {"error": self.error, "message": self.message}

    def response(self, headers: Mapping[str, str] | None = None) -> web.Response:
        """The HTTP answer."""
        return json_response(self.body(), self.status, headers)


def invalid(message: str, error: str = "InvalidRequest") -> XrpcError:
    """A 400, the PDS's answer to a request it will never accept."""
    return XrpcError(400, message, error)


def failure(status: int, kind: str = "xrpc") -> web.Response:
    """An injected failure: an XRPC body ("xrpc"), or what a load balancer in front of the
    PDS answers by itself: an HTML page ("html") or nothing ("empty")."""
    if kind in ("html", "empty"):
        return edge_page(status, kind)
    return XrpcError(status).response()
