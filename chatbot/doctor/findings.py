"""What ``chatbot doctor`` says: one finding a check, in words a host can act on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chatbot.catalog.checks import display_path
from chatbot.catalog.networks import NAMES, listed
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's outcome, in words a host can act on."""

    ok: bool
    topic: str
    text: str


def ok(topic: str, text: str) -> Finding:
    """A check that passed."""
    return Finding(True, topic, text)


def fail(topic: str, text: str) -> Finding:
    """A check that failed, with what to do about it."""
    return Finding(False, topic, text)


def where(chat: ChatSpec) -> str:
    """The chat's schedule file as the host knows it."""
    return display_path(chat.path) if chat.path else chat.slug


def missing_credentials(topic: str, names: Sequence[str]) -> Finding:
    """The settings a network's credentials still need."""
    return fail(
        topic,
        f"credentials are missing: set {listed(names)} in .env "
        "(see README: hosting on Bluesky and Mastodon)",
    )


def host_findings(
    chats: Iterable[ChatSpec], network: Network, account: str, *, topic: str
) -> list[Finding]:
    """For each chat on ``network``: is its host there the account the credentials open?"""
    findings = []
    for chat in chats:
        handle = chat.hosts.get(network, "")
        if handle.lower() == account.lower():
            findings.append(ok(topic, f"{where(chat)} posts as @{handle}"))
        else:
            findings.append(
                fail(
                    topic,
                    f"{where(chat)} names @{handle} as its {NAMES[network]} host, but the "
                    f"credentials are @{account}'s: the chat would be posted from @{account}",
                )
            )
    return findings
