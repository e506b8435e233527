"""The doctor's Mastodon checks: the access token opens the chats' Mastodon host, and the
instance's own length limit, which the chat files are then checked against. Nothing is
posted."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.doctor.findings import Finding, fail, host_findings, missing_credentials, ok
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Author, LengthRule, Network
from chatbot.mastodon.calls import RetryPolicy
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.errors import MastodonAuthError, MastodonError
from chatbot.render.length import MASTODON_RULE
from chatbot.settings import Settings

# The doctor asks once and says so: a host at the terminal waits for no long retries.
QUICK = RetryPolicy(max_attempts=2, base_delay=0.5, max_rate_limit_waits=0, timeout=10.0)


@dataclass(frozen=True, slots=True)
class Visit:
    """What the instance said: our account and its length rule, or why it would not say."""

    findings: list[Finding]
    me: Author | None = None
    rule: LengthRule | None = None
    domain: str = ""


async def visit_mastodon(settings: Settings) -> Visit:
    """Read the instance (its domain and length rule) and the token's account."""
    base_url, token = settings.mastodon_base_url, settings.mastodon_access_token
    if not base_url or not token:
        missing = settings.missing_credentials(Network.MASTODON)
        return Visit([missing_credentials("mastodon credentials", missing)])
    client = MastodonClient(base_url=base_url, access_token=token.get_secret_value(), retry=QUICK)
    try:
        me = await client.connect()
    except MastodonAuthError:
        return Visit(
            [
                fail(
                    "mastodon credentials",
                    f"{base_url} refused MASTODON_ACCESS_TOKEN: make a new access token "
                    "(scopes read and write:statuses) and put it in .env",
                )
            ]
        )
    except MastodonError as exc:
        return Visit(
            [fail("mastodon credentials", f"Mastodon could not be asked at {base_url}: {exc}")]
        )
    finally:
        client.close()
    found = ok("mastodon credentials", f"{client.domain} accepts the token: it is @{me.handle}'s")
    return Visit([found], me, client.length_rule, client.domain)


def mastodon_findings(visit: Visit, chats: list[ChatSpec]) -> list[Finding]:
    """Mastodon's findings for the enabled ``chats`` on Mastodon."""
    if visit.me is None or visit.rule is None:
        return visit.findings
    rule = visit.rule
    default = "" if rule == MASTODON_RULE else f" (`chatbot check` assumes {MASTODON_RULE.limit})"
    return [
        *visit.findings,
        *host_findings(chats, Network.MASTODON, visit.me.handle, topic="mastodon host"),
        ok(
            "mastodon length",
            f"{visit.domain} takes statuses of up to {rule.limit} characters, links counting "
            f"{rule.url_length}{default}; the chat files were checked against it",
        ),
    ]
