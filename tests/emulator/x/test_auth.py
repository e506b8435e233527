"""The emulator checks OAuth 1.0a signatures as X does, and knows its app's bearer token."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
import tweepy

from chatbot.emulator.x import DEFAULT_KEYS, XEmulator
from tests.x.conftest import RawApi, signer, upload

UNAUTHORIZED = {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank",
                "status": 401}  # fmt: skip


async def test_a_good_signature_with_a_query_string_is_accepted(api: RawApi) -> None:
    status, body = await api.search("#chat -is:retweet", max_results=10)
    assert (status, body) == (200, {"meta": {"result_count": 0}})


@pytest.mark.parametrize(
    "wrong",
    [
        {"consumer_secret": "not-the-secret"},
        {"access_token_secret": "not-the-secret"},
        {"consumer_key": "another-app"},
        {"access_token": "1500000000000000001-unknown"},
    ],
)
async def test_a_wrong_secret_or_unknown_key_is_a_401(
    emulator: XEmulator, api: RawApi, wrong: dict[str, str]
) -> None:
    api.keys = replace(DEFAULT_KEYS, **wrong)
    status, body = await api.search("#chat")
    assert (status, body) == (401, UNAUTHORIZED)


async def test_a_query_changed_after_signing_is_a_401(emulator: XEmulator, api: RawApi) -> None:
    url, headers = api._signed("GET", api.url("/2/tweets/search/recent", query="#chat"))
    tampered = str(url).replace("%23chat", "%23other")
    async with api.session.get(tampered, headers=headers) as response:
        assert response.status == 401


async def test_the_multipart_media_upload_is_signed_and_checked(
    emulator: XEmulator, image: Path
) -> None:
    good = signer()
    assert (await upload(emulator, image, good)).isdigit()
    with pytest.raises(tweepy.Unauthorized):
        await upload(emulator, image, replace(good, access_token_secret="wrong"))


async def test_only_the_apps_bearer_token_is_accepted(emulator: XEmulator, api: RawApi) -> None:
    api.headers = {"Authorization": f"Bearer {emulator.keys.bearer_token}"}
    assert (await api.search("#chat"))[0] == 200
    api.headers = {"Authorization": "Bearer someone-elses-token"}
    assert (await api.search("#chat"))[0] == 401


async def test_revoked_credentials_are_refused(emulator: XEmulator, api: RawApi) -> None:
    emulator.set_credentials_valid(False)
    assert (await api.get("/2/users/me"))[0] == 401


async def test_another_account_signs_with_its_own_token(emulator: XEmulator) -> None:
    emulator.add_access_token("42-token", "42-secret", "ana_bakes")
    keys = replace(DEFAULT_KEYS, access_token="42-token", access_token_secret="42-secret")
    async with aiohttp.ClientSession() as session:
        status, body = await RawApi(session, emulator.base_url, keys).get("/2/users/me")
    assert (status, body["data"]["username"]) == (200, "ana_bakes")
