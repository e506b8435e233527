"""The tag timeline pages as Mastodon's does: max_id, since_id, min_id, limit, and the Link
header written as Rails writes it; rate-limit headers on every answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.emulator.mastodon import MastodonEmulator
from tests.emulator.mastodon.conftest import Http

PATH = "/api/v1/timelines/tag/SMBchat"


def reset_of(headers: dict[str, str]) -> datetime:
    """X-RateLimit-Reset, which Mastodon writes as ISO 8601 with microseconds and 'Z'."""
    raw = headers["X-RateLimit-Reset"]
    assert len(raw) == len("2026-11-25T01:15:00.000000Z") and raw.endswith("Z")
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def ids(body: list[dict[str, str]]) -> list[int]:
    return [int(status["id"]) for status in body]


async def test_pages_and_their_link_header(http: Http, emulator: MastodonEmulator) -> None:
    made = [int(emulator.add_status("ana", f"A{i} #smbchat")) for i in range(5)]
    emulator.add_status("ana", "boost me #SMBchat", visibility="unlisted")
    emulator.reblog("bo", made[0])
    status, headers, body = await http.call("GET", PATH, params={"limit": "2", "local": "1"})
    assert status == 200 and ids(body) == [made[4], made[3]]
    base = f"{emulator.base_url}{PATH}"
    assert headers["Link"] == (
        f'<{base}?limit=2&local=1&max_id={made[3]}>; rel="next", '
        f'<{base}?limit=2&local=1&min_id={made[4]}>; rel="prev"'
    )
    _, _, older = await http.call("GET", PATH, params={"limit": "2", "max_id": str(made[3])})
    assert ids(older) == [made[2], made[1]]


async def test_since_id_gives_the_newest_and_min_id_the_next_ones(
    http: Http, emulator: MastodonEmulator
) -> None:
    made = [int(emulator.add_status("ana", f"A{i} #SMBchat")) for i in range(6)]
    since = str(made[0])
    _, _, newest = await http.call("GET", PATH, params={"limit": "2", "since_id": since})
    _, _, following = await http.call("GET", PATH, params={"limit": "2", "min_id": since})
    assert ids(newest) == [made[5], made[4]]
    assert ids(following) == [made[2], made[1]]  # still newest first within the page


async def test_an_empty_page_has_no_link_and_the_limit_is_capped(
    http: Http, emulator: MastodonEmulator
) -> None:
    for i in range(45):
        emulator.add_status("ana", f"A{i} #SMBchat")
    _, headers, body = await http.call("GET", "/api/v1/timelines/tag/nothing")
    assert body == [] and "Link" not in headers
    _, _, capped = await http.call("GET", PATH, params={"limit": "100"})
    assert len(capped) == 40


async def test_rate_limit_headers_and_the_429_once_spent(
    emulator: MastodonEmulator, http: Http
) -> None:
    emulator.set_rate_limit(None, limit=2, period=300)
    _, headers, _ = await http.call("GET", PATH)
    reset = reset_of(headers)
    assert headers["X-RateLimit-Limit"] == "2" and headers["X-RateLimit-Remaining"] == "1"
    assert timedelta(0) < reset - datetime.now(UTC) <= timedelta(seconds=301)
    assert reset.timestamp() % 300 == 0  # windows are aligned to the period
    await http.call("GET", PATH)
    status, limited, body = await http.call("GET", PATH)
    assert (status, body) == (429, {"error": "Too many requests"})
    assert limited["X-RateLimit-Remaining"] == "0"


async def test_an_injected_429_says_when_it_resets(emulator: MastodonEmulator, http: Http) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=120)
    status, headers, body = await http.call("GET", "/api/v1/accounts/verify_credentials")
    assert (status, body) == (429, {"error": "Too many requests"})
    assert timedelta(seconds=110) < reset_of(headers) - datetime.now(UTC)


async def test_the_instance_tells_its_limits_and_streaming_address(
    http: Http, emulator: MastodonEmulator
) -> None:
    _, _, v2 = await http.call("GET", "/api/v2/instance")
    assert v2["domain"] == "mastodon.example"
    assert v2["configuration"]["statuses"]["max_characters"] == 500
    assert v2["configuration"]["statuses"]["characters_reserved_per_url"] == 23
    _, _, v1 = await http.call("GET", "/api/v1/instance/")  # Mastodon.py's trailing slash
    assert v1["urls"]["streaming_api"] == emulator.base_url.replace("http", "ws")
