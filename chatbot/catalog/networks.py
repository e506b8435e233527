"""Where a chat is hosted: ``networks`` and the host account on each, under ``[hosts]``.

A schedule without ``networks`` is on X alone, with its X account in ``host`` as before.
The X account may be written as ``host`` or as ``x`` under ``[hosts]``, not both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from chatbot.catalog.checks import FileCheck
from chatbot.domain.network import LengthRule, Network
from chatbot.render.length import DEFAULT_RULES

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A domain name of two labels or more whose last starts with a letter (atproto's handle
# syntax; a Mastodon instance is named the same way).
_DOMAIN = rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"


class HandleSyntax(NamedTuple):
    """How a host handle is written on one network."""

    pattern: re.Pattern[str]  # group 1: the handle without its leading '@'
    example: str
    shape: str

    def expected(self, network: Network) -> str:
        """Words for a problem: 'a Bluesky handle like smbchat.bsky.social (…)'."""
        article = "an" if network is Network.X else "a"
        return f"{article} {NAMES[network]} handle like {self.example} ({self.shape})"


NAMES = {Network.X: "X", Network.BLUESKY: "Bluesky", Network.MASTODON: "Mastodon"}
HANDLES = {
    Network.X: HandleSyntax(
        re.compile(r"^@?([A-Za-z0-9_]{1,15})$"), "@SMBchatHost", "1 to 15 letters, digits or _"
    ),
    Network.BLUESKY: HandleSyntax(
        re.compile(rf"^@?({_DOMAIN})$"), "smbchat.bsky.social", "a domain name"
    ),
    Network.MASTODON: HandleSyntax(
        re.compile(rf"^@?([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*@{_DOMAIN})$"),
        "@smbchat@mastodon.social",
        "@user@instance",
    ),
}
VALUES = {n.value for n in Network}
KNOWN = ", ".join(sorted(VALUES))


@dataclass(frozen=True, slots=True)
class NetworkSetup:
    """What chat files are checked against besides themselves.

    ``missing`` lists, for each network, the settings its credentials still need (None:
    credentials are not checked, as for the demo). ``rules`` holds the length rules known
    better than the defaults, such as a Mastodon instance's own limit.
    """

    missing: Mapping[Network, Sequence[str]] | None = None
    rules: Mapping[Network, LengthRule] = field(default_factory=dict)

    def rule(self, network: Network) -> LengthRule:
        """The length rule posts on ``network`` are checked against."""
        return self.rules.get(network, DEFAULT_RULES[network])


def read_networks(
    check: FileCheck, data: dict[str, Any], setup: NetworkSetup
) -> tuple[tuple[Network, ...], dict[Network, str]]:
    """The chat's networks and its host handle on each (without a leading '@')."""
    networks = _networks(check, data)
    given = _given_handles(check, data)
    hosts: dict[Network, str] = {}
    for network, (handle, key, table) in given.items():
        syntax = HANDLES[network]
        match = syntax.pattern.match(handle)
        where = f"'{key}'" if key == "host" else f"[hosts] {network.value}"
        if not match:
            check.add(
                f"{where} is '{handle}', expected {syntax.expected(network)}", key, table=table
            )
        elif network not in networks:
            check.add(
                f"{where} is the {NAMES[network]} host, but networks does not name "
                f"{network.value}: add it to networks or remove this line",
                key,
                table=table,
            )
        else:
            hosts[network] = match.group(1)
    for network in networks:
        if network not in given:
            check.add(_missing_host(network), "networks" if "networks" in data else "host")
    if setup.missing is not None and "networks" in data:
        for network in networks:
            if unset := setup.missing.get(network):
                check.add(
                    f"networks names {network.value}, but {listed(unset)} "
                    f"{'is' if len(unset) == 1 else 'are'} not set (in .env or the environment)",
                    "networks",
                )
    return networks, hosts


def _networks(check: FileCheck, data: dict[str, Any]) -> tuple[Network, ...]:
    raw = data.get("networks", [Network.X.value])
    if not isinstance(raw, list) or not raw or not all(isinstance(n, str) for n in raw):
        check.add(f'networks must be a list such as ["x", "bluesky"] (known: {KNOWN})', "networks")
        return (Network.X,)
    networks: list[Network] = []
    for name in raw:
        if name not in VALUES:
            check.add(f"unknown network '{name}' in networks (known: {KNOWN})", "networks")
        elif Network(name) in networks:
            check.add(f"networks names {name} twice", "networks")
        else:
            networks.append(Network(name))
    return tuple(networks)


def _given_handles(check: FileCheck, data: dict[str, Any]) -> dict[Network, tuple[str, str, str]]:
    """Each handle written, by network: (the handle, the key and table of its line)."""
    given: dict[Network, tuple[str, str, str]] = {}
    raw = data.get("hosts", {})
    if not isinstance(raw, dict):
        check.add('hosts must be a table: [hosts] with lines such as x = "@SMBchatHost"', "hosts")
        raw = {}
    for key in sorted(set(raw) - VALUES):
        # Every key below a [hosts] header belongs to it, up to the next header.
        check.add(
            f"unknown key '{key}' in [hosts] (allowed: {KNOWN}): if it is the schedule's own, "
            "move it above [hosts]",
            key,
            table="hosts",
        )
    # An inline table (hosts = { … }) has no header: its entries are on the line of hosts.
    table = "hosts" if ("hosts", 0) in check.lines.tables else ""
    for name, handle in raw.items():
        if name in VALUES:
            given[Network(name)] = (str(handle).strip(), name if table else "hosts", table)
    if "host" in data:
        if Network.X in given:
            check.add(
                "the X host is written twice, as 'host' and as x under [hosts]: keep one", "host"
            )
        else:
            given[Network.X] = (str(data["host"]).strip(), "host", "")
    return given


def _missing_host(network: Network) -> str:
    if network is Network.X:
        return (
            "missing 'host': the X account the chat posts as, e.g. host = \"@SMBchatHost\" "
            "(or x = … under [hosts])"
        )
    return (
        f"networks names {network.value}, but [hosts] has no {network.value} handle: "
        f'add {network.value} = "{HANDLES[network].example}" under [hosts]'
    )


def listed(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
