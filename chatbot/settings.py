"""Settings from the environment and ``.env``, built by a function, never at import time."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from chatbot.domain.cost import Prices
from chatbot.domain.network import Network

_PASSWORD = re.compile(r"://[^/@:]*:([^@/]+)@")
# The settings each network's credentials need (their field names).
CREDENTIALS = {
    Network.X: ("x_api_key", "x_api_secret", "x_access_token", "x_access_token_secret"),
    Network.BLUESKY: ("bluesky_handle", "bluesky_app_password"),
    Network.MASTODON: ("mastodon_base_url", "mastodon_access_token"),
}
SCHEMES = {
    "bluesky_service": ("http://", "https://"),
    "bluesky_jetstream": ("ws://", "wss://"),
    "mastodon_base_url": ("http://", "https://"),
}


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Secrets print as stars."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    # X (Twitter) API v2 credentials: OAuth 1.0a user context of the host account.
    x_api_key: SecretStr | None = Field(default=None, alias="X_API_KEY")
    x_api_secret: SecretStr | None = Field(default=None, alias="X_API_SECRET")
    x_access_token: SecretStr | None = Field(default=None, alias="X_ACCESS_TOKEN")
    x_access_token_secret: SecretStr | None = Field(default=None, alias="X_ACCESS_TOKEN_SECRET")
    x_bearer_token: SecretStr | None = Field(default=None, alias="X_BEARER_TOKEN")
    x_api_base_url: str = Field(default="https://api.twitter.com", alias="X_API_BASE_URL")
    x_price_post_read: Decimal = Field(default=Decimal("0.005"), alias="X_PRICE_POST_READ")
    x_price_post_created: Decimal = Field(default=Decimal("0.015"), alias="X_PRICE_POST_CREATED")
    x_price_post_with_url: Decimal = Field(default=Decimal("0.20"), alias="X_PRICE_POST_WITH_URL")

    # Bluesky: the host account, logged in with an app password (chats that name bluesky).
    bluesky_handle: str | None = Field(default=None, alias="BLUESKY_HANDLE")
    bluesky_app_password: SecretStr | None = Field(default=None, alias="BLUESKY_APP_PASSWORD")
    bluesky_service: str = Field(default="https://bsky.social", alias="BLUESKY_SERVICE")
    bluesky_jetstream: str = Field(
        default="wss://jetstream2.us-east.bsky.network/subscribe", alias="BLUESKY_JETSTREAM"
    )

    # Mastodon: the host account on its instance (chats that name mastodon).
    mastodon_base_url: str | None = Field(default=None, alias="MASTODON_BASE_URL")
    mastodon_access_token: SecretStr | None = Field(default=None, alias="MASTODON_ACCESS_TOKEN")

    # Discord: the moderators' control plane (optional).
    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(default=None, alias="DISCORD_GUILD_ID")
    discord_channel_id: int | None = Field(default=None, alias="DISCORD_CHANNEL_ID")
    discord_moderator_roles: str = Field(default="Moderator", alias="DISCORD_MODERATOR_ROLES")

    # Storage and files.
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), alias="CHATBOT_DATA_DIR")
    chat_dir: Path = Field(default=Path("."), alias="CHATBOT_CHAT_DIR")
    recap_dir: Path | None = Field(default=None, alias="CHATBOT_RECAP_DIR")

    # Behaviour.
    poll_seconds: float = Field(default=15.0, alias="CHATBOT_POLL_SECONDS", gt=0)
    log_level: str = Field(default="INFO", alias="CHATBOT_LOG_LEVEL")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level '{value}'")
        return level

    @field_validator(*SCHEMES)
    @classmethod
    def _address(cls, value: str | None, info: ValidationInfo) -> str | None:
        schemes = SCHEMES[str(info.field_name)]
        if value is not None and not value.startswith(schemes):
            raise ValueError(f"'{value}' must start with {' or '.join(schemes)}")
        return value.rstrip("/") if value else value

    @property
    def database(self) -> str:
        """The database URL: ``DATABASE_URL`` or a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'chatbot.db').resolve()}"

    @property
    def recaps(self) -> Path:
        """Where recap files are written."""
        return self.recap_dir or self.data_dir / "recaps"

    @property
    def prices(self) -> Prices:
        """X's pay-per-use prices from the ``X_PRICE_*`` settings."""
        return Prices(
            post_read=self.x_price_post_read,
            post_created=self.x_price_post_created,
            post_with_url=self.x_price_post_with_url,
        )

    @property
    def moderator_roles(self) -> set[str]:
        """Moderator roles by id or name, from the comma-separated setting."""
        return {r.strip() for r in self.discord_moderator_roles.split(",") if r.strip()}

    def secret_values(self) -> list[str]:
        """Every secret that is set (tokens, and a password in DATABASE_URL), for redaction."""
        values = [
            secret.get_secret_value()
            for secret in (
                self.x_api_key,
                self.x_api_secret,
                self.x_access_token,
                self.x_access_token_secret,
                self.x_bearer_token,
                self.bluesky_app_password,
                self.mastodon_access_token,
                self.discord_token,
            )
            if secret is not None and secret.get_secret_value()
        ]
        password = _password(self.database_url) if self.database_url else None
        if password:
            values.append(password)
        return values

    @property
    def has_x_credentials(self) -> bool:
        """True when the four OAuth 1.0a values are all set."""
        return not self.missing_credentials(Network.X)

    def missing_credentials(self, network: Network) -> list[str]:
        """The settings ``network``'s credentials need that are not set, by their names."""
        fields = Settings.model_fields
        return [str(fields[name].alias) for name in CREDENTIALS[network] if not getattr(self, name)]


def _password(url: str) -> str | None:
    """The password in a database URL, even one too malformed to open (that error comes later)."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        match = _PASSWORD.search(url)
        return match.group(1) if match else None
    return str(password) if password else None


def load_settings(env_file: Path | str | None = ".env", **overrides: object) -> Settings:
    """Build the settings from the environment, ``env_file`` and explicit overrides."""
    return Settings(
        _env_file=env_file,  # type: ignore[call-arg]
        **overrides,  # type: ignore[arg-type]
    )


def setting_names() -> list[str]:
    """Return every environment variable the bot reads."""
    return [str(f.alias) for f in Settings.model_fields.values()]
