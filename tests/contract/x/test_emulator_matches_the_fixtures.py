"""The emulator answers like X's documentation: same keys, same types, same headers.

For each fixture the emulator is asked the same thing, with the fields the bot asks for;
its answer must have the fixture's shape. Only the empty first page with a next_token is
X's alone (the emulator never pages past nothing).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from chatbot.emulator.x import DEFAULT_KEYS, HOST_USER_ID, XEmulator
from chatbot.x import convert
from tests.contract.x.fixture_x import fixture_names, load
from tests.x.conftest import RawApi, signer, upload

Answer = tuple[int, dict[str, str], Any]
FIELDS = {
    "tweet.fields": ",".join(convert.TWEET_FIELDS),
    "user.fields": ",".join(convert.USER_FIELDS),
    "expansions": ",".join(convert.EXPANSIONS),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
WATCHED_HEADERS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour", "x-access-level")


def shape(value: Any) -> Any:
    """Keys and types of a JSON value; a list's items merged into one shape."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [merged]
    return type(value).__name__


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _merge(a.get(key), b.get(key)) for key in a.keys() | b.keys()}
    return a if b is None else b


def header_names(headers: dict[str, str]) -> set[str]:
    return {n.lower() for n in headers if n.lower().startswith(WATCHED_HEADERS)}


async def send(api: RawApi, method: str, path: str, body: Any = None, **params: str) -> Answer:
    url, headers = api._signed(method, api.url(path, **params))
    async with api.session.request(method, url, json=body, headers=headers) as response:
        text = await response.text()
        parsed = json.loads(text) if response.content_type.endswith("json") and text else text
        return response.status, dict(response.headers), parsed


def _world(emu: XEmulator) -> tuple[int, int]:
    """The fixtures' world: a hello, then a reply with a mention and quotes with a link."""
    emu.add_user("ana_bakes", name="Ana · Sweet Crumbs Bakery", followers_count=1200)
    emu.add_user("bo_builds", name="Bo Builds Decks", followers_count=340)
    emu.add_post("ana_bakes", "Hi everyone! 👋 Excited to be here #SMBchat")
    question = emu.add_post(HOST_USER_ID, "Q1: What brought you here tonight?")
    answer = emu.add_post(
        "ana_bakes", "A1: we reply within the hour & it shows #SMBchat", reply_to=question
    )
    for i in range(9):
        emu.add_post(
            "bo_builds", f"A1 polls in stories, see smbchat.com/p{i} #SMBchat", quote_of=answer
        )
    return question, answer


async def _search(emu: XEmulator, api: RawApi) -> tuple[Answer, Answer]:
    _world(emu)
    first = await send(api, "GET", "/2/tweets/search/recent", query="#SMBchat", **FIELDS)
    token = first[2]["meta"]["next_token"]
    last = await send(
        api, "GET", "/2/tweets/search/recent", query="#SMBchat", next_token=token, **FIELDS
    )
    return first, last


async def _media_post(emu: XEmulator, api: RawApi, tmp_path: Path) -> int:
    image = tmp_path / "chart.png"
    image.write_bytes(PNG)
    media_id = await upload(emu, image, signer())
    body = {"text": "Recap of tonight's #SMBchat", "media": {"media_ids": [media_id]}}
    return int((await send(api, "POST", "/2/tweets", body))[2]["data"]["id"])


Scenario = Callable[[XEmulator, RawApi, Path], Awaitable[Answer]]


async def _short_page(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    return (await _search(emu, api))[0]


async def _last_page(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    return (await _search(emu, api))[1]


async def _partial(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    _, answer = _world(emu)
    return await send(api, "GET", "/2/tweets", ids=f"{answer},2125395962229686276", **FIELDS)


async def _media(emu: XEmulator, api: RawApi, tmp_path: Path) -> Answer:
    emu.add_post(HOST_USER_ID, "hello")  # so that includes.users comes from a lookup
    post = await _media_post(emu, api, tmp_path)
    return await send(api, "GET", "/2/tweets", ids=str(post), **FIELDS)


async def _note(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    whole = load("tweet_note_tweet")["body"]["data"][0]["note_tweet"]["text"]
    post = emu.add_post("ana_bakes", whole)
    return await send(api, "GET", "/2/tweets", ids=str(post), **FIELDS)


async def _create(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    return await send(api, "POST", "/2/tweets", {"text": "Q1: What brought you here?"})


async def _me(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    return await send(api, "GET", "/2/users/me", **{"user.fields": FIELDS["user.fields"]})


async def _own(emu: XEmulator, api: RawApi, tmp_path: Path) -> Answer:
    await _media_post(emu, api, tmp_path)
    fields = {"tweet.fields": "created_at,entities,note_tweet"}
    return await send(api, "GET", f"/2/users/{HOST_USER_ID}/tweets", **fields)


async def _upload(emu: XEmulator, api: RawApi, _: Path) -> Answer:
    url = api.url("/2/media/upload")
    form = aiohttp.FormData()
    form.add_field("media", PNG, filename="a.png", content_type="image/png")
    form.add_field("media_category", "tweet_image")
    async with api.session.post(url, data=form, headers=signer().sign(str(url), "POST")) as r:
        return r.status, dict(r.headers), await r.json()


async def _error(emu: XEmulator, api: RawApi, fixture: str) -> Answer:
    post = {"text": "Q1: What brought you here?"}
    if fixture == "error_400_invalid_request":
        return await send(api, "GET", "/2/tweets/search/recent", query="#x", max_results="500")
    if fixture == "error_401":
        api.keys = replace(DEFAULT_KEYS, consumer_secret="wrong")
    elif fixture == "error_402_credits":
        emu.set_credits_exhausted()
    elif fixture == "error_403_duplicate":
        await send(api, "POST", "/2/tweets", post)
    elif fixture == "error_403_unknown_auth":
        emu.inject_errors(1, status=403, body="unknown-auth")
    elif fixture == "error_403_oauth1_permissions":
        emu.add_access_token("1-ro", "ro", "SMBchatHost", write=False)
        api.keys = replace(DEFAULT_KEYS, access_token="1-ro", access_token_secret="ro")
    elif fixture == "error_429":
        emu.inject_rate_limit(1, reset_in_seconds=30)
    elif fixture == "error_429_24_hour":
        emu.set_daily_limit("POST /2/tweets", user=1)
        await send(api, "POST", "/2/tweets", {"text": "first"})
    elif fixture == "error_429_html":
        emu.inject_rate_limit(1, reset_in_seconds=30, body="html")
    elif fixture == "error_502_html":
        emu.inject_errors(1, status=502, body="html")
    elif fixture == "error_503_empty":
        emu.inject_errors(1, status=503, body="empty")
    method, route = load(fixture)["request"].split(" ", 1)
    if method == "POST":
        return await send(api, "POST", route, post)
    if "search" in route:
        return await send(api, "GET", route, query="#SMBchat")
    return await send(api, "GET", route)


SCENARIOS: dict[str, Scenario] = {
    "search_recent_short_page": _short_page,
    "search_recent_last_page": _last_page,
    "tweets_lookup_partial_errors": _partial,
    "tweet_media_post": _media,
    "tweet_note_tweet": _note,
    "create_post": _create,
    "users_me": _me,
    "users_tweets_own": _own,
    "media_upload": _upload,
}
X_ONLY = {"search_recent_empty_first_page"}


@pytest.mark.parametrize("name", [n for n in fixture_names() if n not in X_ONLY])
async def test_the_emulator_answers_with_the_fixtures_shape(
    emulator: XEmulator, api: RawApi, tmp_path: Path, name: str
) -> None:
    fixture = load(name)
    scenario = SCENARIOS.get(name)
    if scenario is not None:
        status, headers, body = await scenario(emulator, api, tmp_path)
    else:
        status, headers, body = await _error(emulator, api, name)
    assert status == fixture["status"]
    assert headers["Content-Type"].split(";")[0] == fixture["headers"]["content-type"].split(";")[0]
    assert header_names(headers) == header_names(fixture["headers"])
    if "body" in fixture:
        assert shape(body) == shape(fixture["body"])
    else:
        assert isinstance(body, str) and bool(body) == bool(fixture["text"])


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("日本" * 70, True),  # CJK weighs 2: 280
        ("日本" * 70 + "x", False),
        ("x " * 128 + "https://example.com/" + "p" * 300, True),  # a link is 23: 279
        ("👨‍👩‍👧‍👦" * 141, False),  # an emoji sequence weighs 2: 282
    ],
)
async def test_a_post_over_280_weighted_is_refused_as_an_invalid_request(
    emulator: XEmulator, api: RawApi, text: str, accepted: bool
) -> None:
    """The refusal has the documented invalid-request shape (no fixture records its text)."""
    status, _, body = await send(api, "POST", "/2/tweets", {"text": text})
    if accepted:
        assert status == 201, body
        return
    documented = load("error_400_invalid_request")["body"]
    assert status == 400 and body.keys() == documented.keys()
    assert body["title"] == documented["title"] and body["type"] == documented["type"]
    assert body["errors"][0]["parameters"] == {"text": [text]}
