"""``chatbot doctor``: learn before chat night, with a few cheap calls, whether each network
the chats name will take them.

Each network a chat names, or whose credentials are set, is asked who the credentials
belong to, and that account is checked against each chat's host there: X (with the
posting permission, the rate-limit room and the next chat's cost), Bluesky (the app
password logs in; the Jetstream firehose answers), Mastodon (the token opens the account;
the instance's own length limit, which the chat files are checked against). Nothing is
posted and no post is read.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from chatbot.catalog import Catalog, NetworkSetup, load_catalog
from chatbot.catalog.networks import NAMES, listed
from chatbot.doctor.findings import Finding, fail
from chatbot.doctor.mastodon import mastodon_findings, visit_mastodon
from chatbot.doctor.x import PARTICIPANT_POSTS, Estimate, check_x, estimate_chat
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network
from chatbot.settings import Settings

__all__ = ["Diagnosis", "Estimate", "Finding", "diagnose", "doctor_command", "estimate_chat"]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The networks the doctor asked, and everything it found."""

    networks: tuple[Network, ...]
    findings: list[Finding]


async def diagnose(settings: Settings, *, participant_posts: int = PARTICIPANT_POSTS) -> Diagnosis:
    """Run every check of every network the chats name or the settings can reach."""
    configured = [n for n in Network if not settings.missing_credentials(n)]
    # The Mastodon instance's limit first, so that the chat files are checked against it.
    visit = await visit_mastodon(settings) if Network.MASTODON in configured else None
    rules = {Network.MASTODON: visit.rule} if visit and visit.rule else {}
    catalog = load_catalog(settings.chat_dir, NetworkSetup(rules=rules))
    named = {network for chat in catalog.enabled_chats() for network in chat.networks}
    networks = tuple(n for n in Network if n in named or n in configured) or (Network.X,)
    findings = _chat_files(catalog)
    if Network.X in networks:
        findings += await check_x(settings, catalog, _on(catalog, Network.X), participant_posts)
    if Network.BLUESKY in networks:
        # atproto takes a second to import: only when Bluesky is asked.
        from chatbot.doctor.bluesky import check_bluesky

        findings += await check_bluesky(settings, _on(catalog, Network.BLUESKY))
    if Network.MASTODON in networks:
        # Without credentials, the visit only says which settings are missing.
        visit = visit or await visit_mastodon(settings)
        findings += mastodon_findings(visit, _on(catalog, Network.MASTODON))
    return Diagnosis(networks, findings)


def _on(catalog: Catalog, network: Network) -> list[ChatSpec]:
    return [chat for chat in catalog.enabled_chats() if network in chat.networks]


def _chat_files(catalog: Catalog) -> list[Finding]:
    """Each problem of the chat files (a chat with one is not hosted)."""
    return [fail("chat files", str(problem)) for problem in catalog.problems]


def _address(settings: Settings, network: Network) -> str:
    addresses = {
        Network.X: settings.x_api_base_url,
        Network.BLUESKY: settings.bluesky_service,
        Network.MASTODON: settings.mastodon_base_url or "(MASTODON_BASE_URL not set)",
    }
    return f"{NAMES[network]} at {addresses[network]}"


async def doctor_command(
    settings: Settings, *, participant_posts: int = PARTICIPANT_POSTS, out: TextIO = sys.stdout
) -> int:
    """``chatbot doctor``: print each check; exit status 1 when one fails."""
    diagnosis = await diagnose(settings, participant_posts=participant_posts)
    asked = listed([_address(settings, network) for network in diagnosis.networks])
    print(f"Checking {asked} for the chats in {settings.chat_dir.resolve()}", file=out)
    for finding in diagnosis.findings:
        print(f"  {'ok  ' if finding.ok else 'FAIL'}  {finding.topic}: {finding.text}", file=out)
    failed = sum(not finding.ok for finding in diagnosis.findings)
    if failed:
        print(f"{failed} problem(s): fix them before the next chat.", file=out)
        return 1
    print("All good.", file=out)
    return 0
