"""`chatbot doctor` on Bluesky and Mastodon, against their emulators: the account is each
chat's host there, the firehose answers, and the texts fit the instance's own limit."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from chatbot.catalog import load_catalog
from chatbot.doctor import doctor_command
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.emulator.x import XEmulator
from chatbot.settings import Settings, load_settings, setting_names
from tests.catalog.chatfiles import QUESTIONS, SCHEDULE, chat_folder

MASTODON_HOST = "smbchat@mastodon.example"


def schedule(networks: list[str], **hosts: str) -> str:
    """The test schedule on ``networks``, with the emulators' accounts as its hosts."""
    handles = {"x": "@SMBchatHost", "bluesky": HOST_HANDLE, "mastodon": f"@{MASTODON_HOST}"}
    handles |= hosts
    table = "".join(f'{n} = "{handles[n]}"\n' for n in networks)
    listed = ", ".join(f'"{n}"' for n in networks)
    return SCHEDULE.replace('host = "@host"', f"networks = [{listed}]") + f"\n[hosts]\n{table}"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def bluesky() -> AsyncIterator[BlueskyEmulator]:
    emu = BlueskyEmulator()
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
async def mastodon() -> AsyncIterator[MastodonEmulator]:
    emu = MastodonEmulator()
    await emu.start()
    yield emu
    await emu.stop()


def settings_for(folder: Path, **values: Any) -> Settings:
    return load_settings(None, chat_dir=folder, data_dir=folder / "data", **values)


def bluesky_settings(emu: BlueskyEmulator, **values: Any) -> dict[str, Any]:
    return {
        "bluesky_handle": HOST_HANDLE,
        "bluesky_app_password": HOST_APP_PASSWORD,
        "bluesky_service": emu.base_url,
        "bluesky_jetstream": emu.jetstream_url,
    } | values


def mastodon_settings(emu: MastodonEmulator, **values: Any) -> dict[str, Any]:
    return {"mastodon_base_url": emu.base_url, "mastodon_access_token": emu.token} | values


async def doctor(settings: Settings) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = await doctor_command(settings, out=out)
    return status, out.getvalue().splitlines()


async def test_bluesky_and_mastodon_pass_as_the_chats_hosts_without_posting(
    tmp_path: Path, bluesky: BlueskyEmulator, mastodon: MastodonEmulator
) -> None:
    folder = chat_folder(
        tmp_path, {"test.toml": schedule(["bluesky", "mastodon"])}, {"set.toml": QUESTIONS}
    )
    settings = settings_for(folder, **bluesky_settings(bluesky), **mastodon_settings(mastodon))
    status, lines = await doctor(settings)
    assert status == 0, lines
    test_toml = folder / "schedules" / "test.toml"
    assert lines == [
        f"Checking Bluesky at {bluesky.base_url} and Mastodon at {mastodon.base_url} "
        f"for the chats in {folder.resolve()}",
        f"  ok    bluesky credentials: {bluesky.base_url} accepts them: they are @{HOST_HANDLE}'s",
        f"  ok    bluesky host: {test_toml} posts as @{HOST_HANDLE}",
        f"  ok    bluesky firehose: Jetstream at {bluesky.jetstream_url} answers",
        f"  ok    mastodon credentials: mastodon.example accepts the token: it is "
        f"@{MASTODON_HOST}'s",
        f"  ok    mastodon host: {test_toml} posts as @{MASTODON_HOST}",
        "  ok    mastodon length: mastodon.example takes statuses of up to 500 characters, "
        "links counting 23; the chat files were checked against it",
        "All good.",
    ]
    assert not bluesky.posts() and not mastodon.statuses()


async def test_a_wrong_app_password_or_token_fails_in_clear_words(
    tmp_path: Path, bluesky: BlueskyEmulator, mastodon: MastodonEmulator
) -> None:
    folder = chat_folder(
        tmp_path, {"test.toml": schedule(["bluesky", "mastodon"])}, {"set.toml": QUESTIONS}
    )
    settings = settings_for(
        folder,
        **bluesky_settings(bluesky, bluesky_app_password="wron-gpas-swor-d000"),
        **mastodon_settings(mastodon, mastodon_access_token="revoked"),
    )
    status, lines = await doctor(settings)
    assert status == 1
    assert lines[1:] == [
        f"  FAIL  bluesky credentials: {bluesky.base_url} refused them: check BLUESKY_HANDLE "
        "and BLUESKY_APP_PASSWORD in .env; a revoked app password gives this (make a new one)",
        f"  FAIL  mastodon credentials: {mastodon.base_url} refused MASTODON_ACCESS_TOKEN: "
        "make a new access token (scopes read and write:statuses) and put it in .env",
        "2 problem(s): fix them before the next chat.",
    ]


async def test_credentials_of_another_account_than_the_chats_host_fail(
    tmp_path: Path, bluesky: BlueskyEmulator, mastodon: MastodonEmulator
) -> None:
    text = schedule(
        ["bluesky", "mastodon"], bluesky="brand.bsky.social", mastodon="@brand@mastodon.example"
    )
    folder = chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS})
    settings = settings_for(folder, **bluesky_settings(bluesky), **mastodon_settings(mastodon))
    status, lines = await doctor(settings)
    assert status == 1
    test_toml = folder / "schedules" / "test.toml"
    assert (
        f"  FAIL  bluesky host: {test_toml} names @brand.bsky.social as its Bluesky host, but "
        f"the credentials are @{HOST_HANDLE}'s: the chat would be posted from @{HOST_HANDLE}"
    ) in lines
    assert (
        f"  FAIL  mastodon host: {test_toml} names @brand@mastodon.example as its Mastodon "
        f"host, but the credentials are @{MASTODON_HOST}'s: the chat would be posted from "
        f"@{MASTODON_HOST}"
    ) in lines


async def test_a_network_named_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    folder = chat_folder(
        tmp_path, {"test.toml": schedule(["bluesky", "mastodon"])}, {"set.toml": QUESTIONS}
    )
    status, lines = await doctor(settings_for(folder, mastodon_base_url="https://m.example"))
    assert status == 1
    assert lines[1:] == [
        "  FAIL  bluesky credentials: credentials are missing: set BLUESKY_HANDLE and "
        "BLUESKY_APP_PASSWORD in .env (see README: hosting on Bluesky and Mastodon)",
        "  FAIL  mastodon credentials: credentials are missing: set MASTODON_ACCESS_TOKEN in "
        ".env (see README: hosting on Bluesky and Mastodon)",
        "2 problem(s): fix them before the next chat.",
    ]


async def test_a_firehose_that_does_not_answer_fails(
    tmp_path: Path, bluesky: BlueskyEmulator
) -> None:
    folder = chat_folder(tmp_path, {"test.toml": schedule(["bluesky"])}, {"set.toml": QUESTIONS})
    settings = settings_for(
        folder, **bluesky_settings(bluesky, bluesky_jetstream="ws://127.0.0.1:9")
    )
    status, lines = await doctor(settings)
    assert status == 1
    assert lines[-2].startswith(
        "  FAIL  bluesky firehose: Jetstream at ws://127.0.0.1:9 did not answer ("
    )
    assert lines[-2].endswith("): check BLUESKY_JETSTREAM")


def with_question(text: str) -> str:
    return QUESTIONS.replace('text = "Second?"', f'text = "{text}"')


async def test_the_texts_are_checked_against_a_smaller_instance_limit(
    tmp_path: Path, mastodon: MastodonEmulator
) -> None:
    """`chatbot check` assumes 500; this instance takes 400, and Q2 is 454."""
    folder = chat_folder(
        tmp_path, {"test.toml": schedule(["mastodon"])}, {"set.toml": with_question("a" * 440)}
    )
    assert load_catalog(folder).problems == []
    mastodon.set_max_characters(400)
    status, lines = await doctor(settings_for(folder, **mastodon_settings(mastodon)))
    assert status == 1
    question_file = folder / "questions" / "set.toml"
    assert lines[1] == (
        f"  FAIL  chat files: {question_file}:12: Q2 is 454 characters as Mastodon counts them "
        "(limit 400, the instance's) with #TestChat from test.toml"
    )
    assert lines[-2] == (
        "  ok    mastodon length: mastodon.example takes statuses of up to 400 characters, "
        "links counting 23 (`chatbot check` assumes 500); the chat files were checked against it"
    )


async def test_a_larger_instance_limit_takes_what_check_refuses(
    tmp_path: Path, mastodon: MastodonEmulator
) -> None:
    folder = chat_folder(
        tmp_path, {"test.toml": schedule(["mastodon"])}, {"set.toml": with_question("a" * 600)}
    )
    [problem] = load_catalog(folder).problems
    assert "Q2 is 614 characters as Mastodon counts them (limit 500, Mastodon's default" in str(
        problem
    )
    mastodon.set_max_characters(1000)
    status, lines = await doctor(settings_for(folder, **mastodon_settings(mastodon)))
    assert status == 0, lines
    assert f"  ok    mastodon host: {folder / 'schedules' / 'test.toml'} posts as " in "\n".join(
        lines
    )


async def test_all_three_networks_in_one_run(
    tmp_path: Path, bluesky: BlueskyEmulator, mastodon: MastodonEmulator
) -> None:
    x = XEmulator()
    await x.start()
    try:
        folder = chat_folder(
            tmp_path,
            {"test.toml": schedule(["x", "bluesky", "mastodon"])},
            {"set.toml": QUESTIONS},
        )
        settings = settings_for(
            folder,
            x_api_key=x.keys.consumer_key,
            x_api_secret=x.keys.consumer_secret,
            x_access_token=x.keys.access_token,
            x_access_token_secret=x.keys.access_token_secret,
            x_api_base_url=x.base_url,
            **bluesky_settings(bluesky),
            **mastodon_settings(mastodon),
        )
        status, lines = await doctor(settings)
    finally:
        await x.stop()
    assert status == 0, lines
    assert lines[0].startswith(
        f"Checking X at {x.base_url}, Bluesky at {bluesky.base_url} and Mastodon at "
        f"{mastodon.base_url} for the chats in "
    )
    topics = [line.split(":")[0].strip() for line in lines[1:-1]]
    assert topics == [
        "ok    credentials",
        "ok    posting",
        "ok    host",
        "ok    rate limits",
        "ok    cost",
        "ok    bluesky credentials",
        "ok    bluesky host",
        "ok    bluesky firehose",
        "ok    mastodon credentials",
        "ok    mastodon host",
        "ok    mastodon length",
    ]
