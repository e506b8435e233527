"""Settings: documented in .env.example, secrets never printed."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from chatbot.domain.network import Network
from chatbot.logs import SafeFormatter
from chatbot.settings import load_settings, setting_names

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert set(setting_names()) == documented
    lines = example.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]+=", line):
            assert lines[i - 1].startswith("# "), f"{line} has no comment line above it"


def test_env_example_loads_as_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(ROOT / ".env.example")
    assert settings.x_api_base_url == "https://api.twitter.com"
    assert settings.discord_token is None and not settings.has_x_credentials
    assert settings.database.startswith("sqlite:///") and settings.database.endswith("chatbot.db")


def test_secrets_do_not_show_in_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_API_KEY", "consumer-key-12345")
    monkeypatch.setenv("DISCORD_TOKEN", "discord-token-67890")
    settings = load_settings(None)
    assert settings.x_api_key is not None
    assert settings.x_api_key.get_secret_value() == "consumer-key-12345"
    for shown in (repr(settings), str(settings), str(settings.model_dump())):
        assert "consumer-key-12345" not in shown and "discord-token-67890" not in shown


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATBOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ValueError, match="CHATBOT_LOG_LEVEL"):
        load_settings(None)


def test_postgres_url_and_moderator_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/chatbot")
    monkeypatch.setenv("DISCORD_MODERATOR_ROLES", "Moderator, 1234567890123456789")
    settings = load_settings(None)
    assert settings.database == "postgresql+psycopg://postgres@127.0.0.1/chatbot"
    assert settings.moderator_roles == {"Moderator", "1234567890123456789"}


def test_a_database_password_is_redacted_even_from_a_malformed_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:pa55-word@db:port/chatbot")
    assert load_settings(None).secret_values() == ["pa55-word"]


def test_bluesky_and_mastodon_secrets_are_redacted_from_logs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "masto-token-0123456789")
    settings = load_settings(None)
    for shown in (repr(settings), str(settings.model_dump())):
        assert "abcd-efgh-ijkl-mnop" not in shown and "masto-token-0123456789" not in shown
    record = logging.LogRecord(
        "chatbot.bluesky",
        logging.INFO,
        __file__,
        1,
        "login with %s, then Authorization: Bearer %s",
        ("abcd-efgh-ijkl-mnop", "masto-token-0123456789"),
        None,
    )
    line = SafeFormatter(settings.secret_values()).format(record)
    assert line.endswith("login with **********, then Authorization: Bearer **********")


def test_each_network_says_which_of_its_credentials_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BLUESKY_HANDLE", "smbchat.bsky.social")
    monkeypatch.setenv("MASTODON_BASE_URL", "https://mastodon.social/")
    settings = load_settings(None)
    assert settings.missing_credentials(Network.BLUESKY) == ["BLUESKY_APP_PASSWORD"]
    assert settings.missing_credentials(Network.MASTODON) == ["MASTODON_ACCESS_TOKEN"]
    assert settings.missing_credentials(Network.X) == [
        "X_API_KEY",
        "X_API_SECRET",
        "X_ACCESS_TOKEN",
        "X_ACCESS_TOKEN_SECRET",
    ]
    assert settings.mastodon_base_url == "https://mastodon.social"
    assert settings.bluesky_service == "https://bsky.social"
    assert settings.bluesky_jetstream == "wss://jetstream2.us-east.bsky.network/subscribe"
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    assert load_settings(None).missing_credentials(Network.BLUESKY) == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BLUESKY_SERVICE", "bsky.social", "must start with http:// or https://"),
        ("BLUESKY_JETSTREAM", "https://jetstream2.us-east.bsky.network", "ws:// or wss://"),
        ("MASTODON_BASE_URL", "mastodon.social", "must start with http:// or https://"),
    ],
)
def test_a_network_address_without_its_scheme_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=rf"{name}[\s\S]*{expected}"):
        load_settings(None)
