"""`chatbot doctor` against the X emulator: each failure in clear words, exit 1."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from chatbot import app
from chatbot.app import SetupError
from chatbot.catalog import load_catalog
from chatbot.doctor import doctor_command, estimate_chat
from chatbot.emulator.x import XEmulator
from chatbot.settings import Settings, load_settings, setting_names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def emulator() -> AsyncIterator[XEmulator]:
    emu = XEmulator()
    await emu.start()
    yield emu
    await emu.stop()


def settings_for(emulator: XEmulator, tmp_path: Path, **keys: str) -> Settings:
    values: dict[str, Any] = {
        "x_api_key": emulator.keys.consumer_key,
        "x_api_secret": emulator.keys.consumer_secret,
        "x_access_token": emulator.keys.access_token,
        "x_access_token_secret": emulator.keys.access_token_secret,
        "x_api_base_url": emulator.base_url,
        "chat_dir": ROOT,
        "data_dir": tmp_path,
    }
    return load_settings(None, **(values | keys))


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)


def read_only(emulator: XEmulator, tmp_path: Path) -> Settings:
    """Settings with a host token made while the app could only read."""
    emulator.add_access_token("1500000000000000001-ro", "ro-secret", "SMBchatHost", write=False)
    return settings_for(
        emulator,
        tmp_path,
        x_access_token="1500000000000000001-ro",
        x_access_token_secret="ro-secret",
    )


async def doctor(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    status = await doctor_command(settings, out=out)
    return status, out.getvalue()


async def test_good_credentials_pass_with_two_calls_and_no_read(
    emulator: XEmulator, tmp_path: Path
) -> None:
    emulator.add_post("ana", "A1 #SMBchat")
    status, text = await doctor(settings_for(emulator, tmp_path))
    assert status == 0, text
    assert "ok    credentials: X accepts them: they are @SMBchatHost's" in text
    assert "ok    posting: the access token may post (read-write)" in text
    assert "ok    host: schedules/smbchat.toml posts as @SMBchatHost" in text
    assert "ok    rate limits: search 299 of 300 left until" in text
    assert "users/me 74 of 75 left" in text
    assert "ok    cost: smbchat on Tue " in text and "about $2.67 (21 posts, 0 with a link" in text
    assert text.rstrip().endswith("All good.")
    assert emulator.request_counts() == {"GET /2/users/me": 1, "GET /2/tweets/search/recent": 1}
    assert emulator.billed_reads() == 0


async def test_a_wrong_secret_fails_in_clear_words(emulator: XEmulator, tmp_path: Path) -> None:
    status, text = await doctor(settings_for(emulator, tmp_path, x_api_secret="wrong"))
    assert status == 1
    assert "FAIL  credentials: X refused them (401): check X_API_KEY, X_API_SECRET" in text
    assert "1 problem(s): fix them before the next chat." in text


async def test_a_read_only_token_fails_without_posting(emulator: XEmulator, tmp_path: Path) -> None:
    status, text = await doctor(read_only(emulator, tmp_path))
    assert status == 1
    assert "FAIL  posting: @SMBchatHost: X says this access token may not post" in text
    assert "regenerate the access token and secret" in text
    assert "POST /2/tweets" not in emulator.request_counts()


async def test_another_account_than_the_schedules_host_fails(
    emulator: XEmulator, tmp_path: Path
) -> None:
    emulator.add_access_token("77-other", "other-secret", "OtherBrand")
    settings = settings_for(
        emulator, tmp_path, x_access_token="77-other", x_access_token_secret="other-secret"
    )
    status, text = await doctor(settings)
    assert status == 1
    assert (
        "FAIL  host: schedules/smbchat.toml names @SMBchatHost as its X host, but the "
        "credentials are @OtherBrand's: the chat would be posted from @OtherBrand"
    ) in text


async def test_missing_credentials_say_what_to_set(tmp_path: Path) -> None:
    status, text = await doctor(load_settings(None, chat_dir=ROOT, data_dir=tmp_path))
    assert status == 1 and "FAIL  credentials: X credentials are missing: set X_API_KEY" in text


def test_the_estimate_counts_the_shipped_chats_posts() -> None:
    catalog = load_catalog(ROOT)
    chat = catalog.chats["smbchat"]
    estimate = estimate_chat(chat, catalog.question_set_of(chat), load_settings(None).prices, 450)
    # 3 reminders, welcome, rules, 6 questions, last call, closing, 8 recap posts
    assert (estimate.posts_created, estimate.posts_with_url) == (21, 0)
    assert estimate.posts_read == 471
    assert str(estimate.dollars) == "2.670"


async def test_run_refuses_a_read_only_token_at_start(emulator: XEmulator, tmp_path: Path) -> None:
    settings = read_only(emulator, tmp_path)
    with pytest.raises(SetupError, match=r"may not post.*Read and write"):
        await app.run(settings)
    assert "POST /2/tweets" not in emulator.request_counts()


async def test_with_the_bearer_token_search_spends_the_apps_budget(
    emulator: XEmulator, tmp_path: Path
) -> None:
    settings = settings_for(emulator, tmp_path, x_bearer_token=emulator.keys.bearer_token)
    status, text = await doctor(settings)
    assert status == 0 and "search 449 of 450 left" in text
