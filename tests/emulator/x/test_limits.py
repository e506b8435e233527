"""X's rate-limit buckets and headers, and the errors X answers besides the documented ones."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chatbot.emulator.x import DEFAULT_KEYS, XEmulator
from tests.x.conftest import RawApi

SEARCH = "/2/tweets/search/recent"


async def test_search_has_a_user_bucket_of_300_and_an_app_bucket_of_450(
    emulator: XEmulator, api: RawApi
) -> None:
    _, user, _ = await api.call("GET", SEARCH, query="#chat")
    assert (user["x-rate-limit-limit"], user["x-rate-limit-remaining"]) == ("300", "299")
    assert user["x-access-level"] == "read-write"
    api.headers = {"Authorization": f"Bearer {emulator.keys.bearer_token}"}
    _, app, _ = await api.call("GET", SEARCH, query="#chat")
    assert (app["x-rate-limit-limit"], app["x-rate-limit-remaining"]) == ("450", "449")
    assert app["x-access-level"] == "read"


async def test_each_user_has_its_own_bucket(emulator: XEmulator, api: RawApi) -> None:
    emulator.set_rate_limit("GET /2/users/me", limit=1, window_seconds=900)
    assert (await api.get("/2/users/me"))[0] == 200
    assert (await api.get("/2/users/me"))[0] == 429
    emulator.add_access_token("7-t", "7-s", "ana_bakes")
    api.keys = replace(DEFAULT_KEYS, access_token="7-t", access_token_secret="7-s")
    assert (await api.get("/2/users/me"))[0] == 200


async def test_posts_carry_the_24_hour_headers_and_stop_at_the_daily_limit(
    emulator: XEmulator, api: RawApi
) -> None:
    emulator.set_daily_limit("POST /2/tweets", user=2)
    first = await post(api, "one")
    assert first[1]["x-rate-limit-limit"] == "100"
    assert first[1]["x-user-limit-24hour-limit"] == "2"
    assert first[1]["x-user-limit-24hour-remaining"] == "1"
    assert first[1]["x-app-limit-24hour-limit"] == "10000"
    await post(api, "two")
    status, headers, body = await post(api, "three")
    assert status == 429 and body["title"] == "Too Many Requests"
    assert headers["x-user-limit-24hour-remaining"] == "0"
    assert headers["x-rate-limit-remaining"] == "98"  # the 15-minute window is not the cause
    day = int(headers["x-user-limit-24hour-reset"]) - int(headers["x-rate-limit-reset"])
    assert day > 20 * 3600


async def post(api: RawApi, text: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    url, headers = api._signed("POST", api.url("/2/tweets"))
    async with api.session.post(url, json={"text": text}, headers=headers) as response:
        return response.status, dict(response.headers), await response.json()


async def test_a_read_only_token_may_read_but_not_write(emulator: XEmulator, api: RawApi) -> None:
    emulator.add_access_token("9-read", "9-secret", "SMBchatHost", write=False)
    api.keys = replace(DEFAULT_KEYS, access_token="9-read", access_token_secret="9-secret")
    status, headers, _ = await api.call("GET", "/2/users/me")
    assert (status, headers["x-access-level"]) == (200, "read")
    status, _, body = await post(api, "hello")
    assert status == 403
    assert body["type"] == "https://api.twitter.com/2/problems/oauth1-permissions"


async def test_spent_credits_answer_402(emulator: XEmulator, api: RawApi) -> None:
    emulator.set_credits_exhausted()
    status, body = await api.search("#chat")
    assert status == 402 and body["title"] == "Payment Required"
    emulator.set_credits_exhausted(False)
    assert (await api.search("#chat"))[0] == 200


async def test_the_intermittent_unknown_authentication_403(
    emulator: XEmulator, api: RawApi
) -> None:
    emulator.inject_errors(1, status=403, body="unknown-auth")
    status, body = await api.get("/2/users/me")
    assert status == 403 and "Authenticating with Unknown is forbidden" in body["detail"]
    assert (await api.get("/2/users/me"))[0] == 200


async def test_the_edge_proxy_answers_html_or_nothing(emulator: XEmulator, api: RawApi) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=120, body="html")
    emulator.inject_errors(1, status=503, body="empty")
    url, headers = api._signed("GET", api.url("/2/users/me"))
    async with api.session.get(url, headers=headers) as limited:
        assert limited.status == 429
        assert limited.content_type == "text/html"
        assert "<html>" in await limited.text()
        assert int(limited.headers["x-rate-limit-reset"]) > 0
    url, headers = api._signed("GET", api.url("/2/users/me"))
    async with api.session.get(url, headers=headers) as empty:
        assert (empty.status, await empty.read()) == (503, b"")


async def test_the_read_log_says_how_often_each_post_was_returned(
    emulator: XEmulator, api: RawApi
) -> None:
    for i in range(4):
        emulator.add_post("ana", f"A{i} #chat")
    await api.search("#chat")
    await api.search("#chat")
    summary = emulator.request_log.summary()
    assert summary["distinct_posts_returned"] == 4
    assert (summary["returned_per_post"], summary["billed_per_post"]) == (2.0, 1.0)
