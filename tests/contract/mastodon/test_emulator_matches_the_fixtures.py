"""The emulator answers like Mastodon's documentation: every key a documented answer has,
with the same JSON types (null aside), the same error bodies and the same headers.

For each fixture the emulator is asked the same thing in a world like the fixture's.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from tests.contract.mastodon.fixture_server import fixture_names, load
from tests.emulator.mastodon.conftest import Http

Answer = tuple[int, dict[str, str], Any]
LINK = re.compile(r'^<(http[^>]+max_id=\d+)>; rel="next", <(http[^>]+min_id=\d+)>; rel="prev"$')


def missing(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where ``actual`` lacks a key of ``expected`` or has another JSON type (null is any)."""
    if expected is None or actual is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: {type(actual).__name__}, not an object"]
        found = [f"{path}.{key}: missing" for key in expected if key not in actual]
        for key in expected.keys() & actual.keys():
            found += missing(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: {type(actual).__name__}, not an array"]
        if expected and actual:
            return missing(expected[0], actual[0], f"{path}[0]")
        return []
    if isinstance(expected, bool) != isinstance(actual, bool) or not isinstance(
        actual, type(expected)
    ):
        return [f"{path}: {type(actual).__name__}, not {type(expected).__name__}"]
    return []


def _world(emulator: MastodonEmulator) -> str:
    """A status like the documentation's: a link, a hashtag, a remote author, a reply."""
    emulator.add_account("chrismo@ruby.social", display_name="chrismo", followers_count=40)
    first = emulator.add_status("smbchat", "Cats! https://example.com/a/long/path/to/a/page #cats")
    emulator.add_status("chrismo@ruby.social", "#cats and #jazz", reply_to=first)
    return first


async def _status(emulator: MastodonEmulator, http: Http) -> Answer:
    _world(emulator)
    return await http.post_status("A quoted &quot;thing&quot; https://example.com #cats")


async def _status_get(emulator: MastodonEmulator, http: Http) -> Answer:
    return await http.call("GET", f"/api/v1/statuses/{_world(emulator)}")


async def _tag_timeline(emulator: MastodonEmulator, http: Http) -> Answer:
    _world(emulator)
    return await http.call("GET", "/api/v1/timelines/tag/cats", params={"limit": "2"})


async def _stream(emulator: MastodonEmulator, http: Http) -> Answer:
    url = f"{emulator.base_url}/api/v1/streaming/hashtag?tag=test"
    headers = {"Authorization": f"Bearer {emulator.token}"}
    async with http.session.get(url, headers=headers) as response, asyncio.timeout(10):
        lines = [(await response.content.readline()).decode()]
        emulator.add_status("trwnh", "#test")
        lines += [(await response.content.readline()).decode() for _ in range(4)]
        return response.status, dict(response.headers), "".join(lines)


async def _error_401(emulator: MastodonEmulator, http: Http) -> Answer:
    http.token = "revoked"
    return await http.post_status("hello")


async def _error_429(emulator: MastodonEmulator, http: Http) -> Answer:
    emulator.inject_rate_limit(1, reset_in_seconds=3600)
    return await http.call("GET", "/api/v1/timelines/tag/cats")


async def _too_long(emulator: MastodonEmulator, http: Http) -> Answer:
    return await http.post_status("x" * 501)


Scenario = Callable[[MastodonEmulator, Http], Awaitable[Answer]]
SCENARIOS: dict[str, Scenario] = {
    "status": _status,
    "status_get": _status_get,
    "instance_v2": lambda _, http: http.call("GET", "/api/v2/instance"),
    "instance_v1": lambda _, http: http.call("GET", "/api/v1/instance/"),
    "verify_credentials": lambda _, http: http.call("GET", "/api/v1/accounts/verify_credentials"),
    "tag_timeline": _tag_timeline,
    "tag_timeline_empty": lambda _, http: http.call("GET", "/api/v1/timelines/tag/nothing"),
    "stream_hashtag": _stream,
    "error_401": _error_401,
    "error_404": lambda _, http: http.call("GET", "/api/v1/statuses/42"),
    "error_422_blank": lambda _, http: http.post_status(" "),
    "error_422_too_long": _too_long,
    "error_429": _error_429,
}


def test_every_fixture_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == fixture_names()


def _event_stream(text: str) -> tuple[list[str], Any]:
    """The lines of an event stream with the data replaced by "data", and the status."""
    lines = text.split("\n")
    data = next(line for line in lines if line.startswith("data: "))
    shape = [("data" if line.startswith("data: ") else line) for line in lines[:4]]
    return shape, json.loads(data.removeprefix("data: "))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_the_emulator_answers_like_the_documentation(
    emulator: MastodonEmulator, http: Http, name: str
) -> None:
    fixture = load(name)
    status, headers, body = await SCENARIOS[name](emulator, http)
    assert status == fixture["status"]
    assert headers["Content-Type"].split(";")[0] == fixture["headers"]["content-type"].split(";")[0]
    if "text" in fixture:
        want_lines, want_status = _event_stream(fixture["text"])
        got_lines, got_status = _event_stream(body)
        assert got_lines == want_lines
        assert missing(want_status, got_status) == []
        return
    assert missing(fixture["body"], body) == []
    if status >= 400:
        assert body.keys() == {"error"} and (status == 429 or body == fixture["body"])
    for header in fixture["headers"]:
        assert header.lower() in {h.lower() for h in headers}, header
    if "link" in fixture["headers"]:
        assert LINK.match(headers["Link"]) and LINK.match(fixture["headers"]["link"])


async def test_the_stream_is_not_the_rest_api(http: Http, emulator: MastodonEmulator) -> None:
    """Streams carry no rate-limit headers (Mastodon's streaming server is another process)."""
    url = f"{emulator.base_url}/api/v1/streaming/hashtag?tag=x&access_token={emulator.token}"
    async with http.session.get(url) as response:
        assert response.status == 200 and "X-RateLimit-Limit" not in response.headers


async def test_the_length_limit_counts_links_as_23_and_mentions_as_their_user(
    emulator: MastodonEmulator, http: Http
) -> None:
    """Refused with the documented body exactly when Mastodon's count passes 500."""
    emulator.add_account("ana@fosstodon.example")
    tail = " @ana@fosstodon.example https://example.com/" + "p" * 100  # counts 1+4+1+23
    status, _, _ = await http.post_status("x" * (500 - 29) + tail)
    assert status == 200
    status, _, body = await http.post_status("x" * (501 - 29) + tail)
    assert (status, body) == (422, load("error_422_too_long")["body"])


def _markup(content: str) -> str:
    """Content with a link's rel, target and translate left out (they changed across
    Mastodon versions; the documentation's example is from 2019)."""
    return re.sub(r' (?:rel|target|translate)="[^"]*"', "", content)


async def test_content_is_marked_up_as_in_the_documentation(
    emulator: MastodonEmulator, http: Http
) -> None:
    documented = load("status")["body"]["content"]
    url = re.search(r'href="([^"]+)"', documented)
    assert url is not None
    text = f'"I lost my inheritance with one wrong digit on my sort code"\n\n{url.group(1)}'
    _, _, body = await http.post_status(text)
    assert _markup(body["content"]) == _markup(documented)
    local_tag = load("tag_timeline")["body"][0]["content"].replace("mastodon.social", "{domain}")
    _, _, body = await http.post_status("#cats")
    assert body["content"] == local_tag.format(domain=emulator.state.store.domain)
