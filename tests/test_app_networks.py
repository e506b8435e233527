"""The composition root on Bluesky and Mastodon: outlets built from settings, logged in,
each chat's host there checked, a network down at start left out until it answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from chatbot.app import connect_outlets, load_chats, networks_named, outlet_for
from chatbot.clock import SystemClock
from chatbot.domain.network import Network
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.errors import SetupError
from chatbot.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


async def test_chats_on_three_networks_are_hosted_as_the_accounts_the_credentials_open(
    tmp_path: Path,
) -> None:
    async with BlueskyEmulator() as bluesky, MastodonEmulator() as mastodon:
        settings = load_settings(
            None,
            CHATBOT_CHAT_DIR=ROOT,
            BLUESKY_HANDLE=HOST_HANDLE,
            BLUESKY_APP_PASSWORD=HOST_APP_PASSWORD,
            BLUESKY_SERVICE=bluesky.base_url,
            BLUESKY_JETSTREAM=bluesky.jetstream_url,
            MASTODON_BASE_URL=mastodon.base_url,
            MASTODON_ACCESS_TOKEN=mastodon.token,
        )
        catalog = load_chats(settings)
        smb = catalog.chats["smbchat"]
        networks = (Network.X, Network.BLUESKY, Network.MASTODON)
        hosts = {Network.X: smb.host, Network.BLUESKY: HOST_HANDLE, Network.MASTODON: "x"}
        catalog.chats["smbchat"] = replace(smb, networks=networks, hosts=hosts)
        wrong = replace(smb, slug="other", networks=networks, hosts=hosts)
        catalog.chats["other"] = replace(wrong, hosts={**hosts, Network.BLUESKY: "ana.bsky.social"})
        catalog.chats["smbchat"] = replace(
            catalog.chats["smbchat"],
            hosts={**hosts, Network.MASTODON: f"smbchat@{mastodon.domain}"},
        )
        assert networks_named(catalog) == [Network.BLUESKY, Network.MASTODON]
        clock = SystemClock()
        outlets = {n: outlet_for(settings, n, clock) for n in networks_named(catalog)}
        try:
            accounts = await connect_outlets(catalog, outlets)
        finally:
            for outlet in outlets.values():
                await outlet.close()
    assert accounts[Network.BLUESKY].handle == HOST_HANDLE
    assert accounts[Network.MASTODON].handle == f"smbchat@{mastodon.domain}"
    # The chat naming another Bluesky account than the app password's is not hosted.
    assert set(catalog.chats) == {"smbchat"}


async def test_a_network_down_at_start_is_left_out_and_a_missing_setting_is_named() -> None:
    bluesky = BlueskyEmulator()
    await bluesky.start()
    base_url = bluesky.base_url
    await bluesky.stop()  # nothing listens there any more
    settings = load_settings(
        None,
        CHATBOT_CHAT_DIR=ROOT,
        BLUESKY_HANDLE=HOST_HANDLE,
        BLUESKY_APP_PASSWORD=HOST_APP_PASSWORD,
        BLUESKY_SERVICE=base_url,
    )
    catalog = load_chats(settings)
    outlet = outlet_for(settings, Network.BLUESKY, SystemClock())
    outlet.client.retrier.policy = replace(outlet.client.policy, max_attempts=1, timeout=2.0)
    try:
        assert await connect_outlets(catalog, {Network.BLUESKY: outlet}) == {}
    finally:
        await outlet.close()
    with pytest.raises(SetupError, match="MASTODON_BASE_URL and MASTODON_ACCESS_TOKEN"):
        outlet_for(settings, Network.MASTODON, SystemClock())
