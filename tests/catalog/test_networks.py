"""`networks` and `[hosts]` in schedule files: hosts on each network, credentials, lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot import cli
from chatbot.catalog import NetworkSetup, load_catalog
from chatbot.domain.network import LengthRule, Network
from chatbot.settings import setting_names
from tests.catalog.chatfiles import QUESTIONS, SCHEDULE, chat_folder, problems_in

EVERYWHERE = SCHEDULE.replace('host = "@host"\n', 'networks = ["x", "bluesky", "mastodon"]\n') + (
    '\n[hosts]\nx = "@host"\nbluesky = "host.bsky.social"\nmastodon = "@host@mastodon.social"\n'
)
NO_CREDENTIALS = NetworkSetup(
    missing={
        Network.X: [],
        Network.BLUESKY: ["BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"],
        Network.MASTODON: ["MASTODON_ACCESS_TOKEN"],
    }
)


def problems_with(folder: Path, setup: NetworkSetup) -> list[str]:
    return [f"{p.path.name}:{p.line}: {p.message}" for p in load_catalog(folder, setup).problems]


def test_a_chat_on_three_networks_has_a_host_on_each(tmp_path: Path) -> None:
    catalog = load_catalog(
        chat_folder(tmp_path, {"test.toml": EVERYWHERE}, {"set.toml": QUESTIONS})
    )
    assert catalog.problems == []
    chat = catalog.chats["test"]
    assert chat.networks == (Network.X, Network.BLUESKY, Network.MASTODON)
    assert dict(chat.hosts) == {
        Network.X: "host",
        Network.BLUESKY: "host.bsky.social",
        Network.MASTODON: "host@mastodon.social",
    }
    assert chat.host == "host"


def test_a_schedule_without_networks_is_on_x_with_its_host(tmp_path: Path) -> None:
    catalog = load_catalog(chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": QUESTIONS}))
    chat = catalog.chats["test"]
    assert (chat.networks, dict(chat.hosts), chat.host) == (
        (Network.X,),
        {Network.X: "host"},
        "host",
    )


def test_a_chat_off_x_needs_no_x_host(tmp_path: Path) -> None:
    text = SCHEDULE.replace(
        'host = "@host"', 'networks = ["bluesky"]\nhosts = { bluesky = "a.b.c" }'
    )
    catalog = load_catalog(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS}))
    assert catalog.problems == []
    chat = catalog.chats["test"]
    assert (chat.networks, dict(chat.hosts), chat.host) == (
        (Network.BLUESKY,),
        {Network.BLUESKY: "a.b.c"},
        "",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('"x", "bluesky", "mastodon"', '"x", "threads"'),
            "test.toml:3: unknown network 'threads' in networks (known: bluesky, mastodon, x)",
        ),
        (('"x", "bluesky", "mastodon"', '"x", "x"'), "test.toml:3: networks names x twice"),
        (('["x", "bluesky", "mastodon"]', "[]"), "test.toml:3: networks must be a list"),
        (('["x", "bluesky", "mastodon"]', '"x"'), "test.toml:3: networks must be a list"),
        (
            ('bluesky = "host.bsky.social"\n', ""),
            "test.toml:3: networks names bluesky, but [hosts] has no bluesky handle: "
            'add bluesky = "smbchat.bsky.social" under [hosts]',
        ),
        (
            ('x = "@host"\n', ""),
            "test.toml:3: missing 'host': the X account the chat posts as, e.g. "
            'host = "@SMBchatHost" (or x = … under [hosts])',
        ),
        (
            ('x = "@host"', 'x = "@far_too_long_a_handle"'),
            "test.toml:13: [hosts] x is '@far_too_long_a_handle', expected an X handle like "
            "@SMBchatHost (1 to 15 letters, digits or _)",
        ),
        (
            ('bluesky = "host.bsky.social"', 'bluesky = "@host"'),
            "test.toml:14: [hosts] bluesky is '@host', expected a Bluesky handle like "
            "smbchat.bsky.social (a domain name)",
        ),
        (
            ('bluesky = "host.bsky.social"', 'bluesky = "host.-bsky.social"'),
            "test.toml:14: [hosts] bluesky is 'host.-bsky.social', expected a Bluesky handle",
        ),
        (
            ('mastodon = "@host@mastodon.social"', 'mastodon = "@host"'),
            "test.toml:15: [hosts] mastodon is '@host', expected a Mastodon handle like "
            "@smbchat@mastodon.social (@user@instance)",
        ),
        (
            ('mastodon = "@host@mastodon.social"', 'mastodon = "host.bsky.social"'),
            "test.toml:15: [hosts] mastodon is 'host.bsky.social', expected a Mastodon handle",
        ),
        (
            ('"x", "bluesky", "mastodon"', '"x", "bluesky"'),
            "test.toml:15: [hosts] mastodon is the Mastodon host, but networks does not name "
            "mastodon: add it to networks or remove this line",
        ),
        (
            ("[hosts]\n", '[hosts]\nthreads = "@host"\n'),
            "test.toml:13: unknown key 'threads' in [hosts] (allowed: bluesky, mastodon, x)",
        ),
        (
            (
                'mastodon = "@host@mastodon.social"\n',
                'mastodon = "@host@mastodon.social"\ngrace_minutes = 5\n',
            ),
            "test.toml:16: unknown key 'grace_minutes' in [hosts] (allowed: bluesky, mastodon, x): "
            "if it is the schedule's own, move it above [hosts]",
        ),
        (
            (
                'networks = ["x", "bluesky", "mastodon"]',
                'networks = ["x", "bluesky", "mastodon"]\nhost = "@host"',
            ),
            "test.toml:4: the X host is written twice, as 'host' and as x under [hosts]: keep one",
        ),
    ],
)
def test_each_networks_or_hosts_problem_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = EVERYWHERE.replace(*change)
    assert text != EVERYWHERE
    problems = problems_in(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS}))
    assert any(p.startswith(expected) for p in problems), problems


def test_an_inline_hosts_table_is_checked_on_its_line(tmp_path: Path) -> None:
    text = SCHEDULE.replace('host = "@host"', 'networks = ["bluesky"]\nhosts = { bluesky = 7 }')
    assert problems_in(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS})) == [
        "test.toml:4: [hosts] bluesky is '7', expected a Bluesky handle like "
        "smbchat.bsky.social (a domain name)"
    ]


def test_hosts_must_be_a_table(tmp_path: Path) -> None:
    text = SCHEDULE.replace('host = "@host"', 'hosts = "@host"')
    assert problems_in(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS})) == [
        "test.toml:1: missing 'host': the X account the chat posts as, e.g. "
        'host = "@SMBchatHost" (or x = … under [hosts])',
        'test.toml:3: hosts must be a table: [hosts] with lines such as x = "@SMBchatHost"',
    ]


def test_the_old_host_line_is_refused_on_a_chat_off_x(tmp_path: Path) -> None:
    text = SCHEDULE.replace('host = "@host"', 'host = "@host"\nnetworks = ["bluesky"]') + (
        '\n[hosts]\nbluesky = "host.bsky.social"\n'
    )
    assert problems_in(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS})) == [
        "test.toml:3: 'host' is the X host, but networks does not name x: "
        "add it to networks or remove this line"
    ]


def test_a_network_named_without_its_credentials_is_a_problem_at_networks(tmp_path: Path) -> None:
    folder = chat_folder(tmp_path, {"test.toml": EVERYWHERE}, {"set.toml": QUESTIONS})
    assert problems_with(folder, NO_CREDENTIALS) == [
        "test.toml:3: networks names bluesky, but BLUESKY_HANDLE and BLUESKY_APP_PASSWORD are "
        "not set (in .env or the environment)",
        "test.toml:3: networks names mastodon, but MASTODON_ACCESS_TOKEN is not set "
        "(in .env or the environment)",
    ]
    assert load_catalog(folder, NO_CREDENTIALS).chats == {}
    everything = NetworkSetup(missing={network: [] for network in Network})
    assert problems_with(folder, everything) == []


def test_credentials_are_asked_only_of_networks_a_schedule_names(tmp_path: Path) -> None:
    """A schedule without `networks` is checked as before: X's credentials are `chatbot
    doctor`'s and `chatbot run`'s business, so chat files can be checked before X access."""
    folder = chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": QUESTIONS})
    setup = NetworkSetup(missing={network: ["SOMETHING"] for network in Network})
    assert problems_with(folder, setup) == []
    named = SCHEDULE.replace('host = "@host"', 'host = "@host"\nnetworks = ["x"]')
    folder = chat_folder(tmp_path, {"test.toml": named}, {"set.toml": QUESTIONS})
    assert problems_with(folder, setup) == [
        "test.toml:4: networks names x, but SOMETHING is not set (in .env or the environment)"
    ]


def with_question(text: str) -> str:
    return QUESTIONS.replace('text = "Second?"', f'text = "{text}"')


def test_a_question_is_checked_for_each_network_with_its_count(tmp_path: Path) -> None:
    # "Q2: " + 295 letters + " #TestChat": 309, over X's 280 and Bluesky's 300, within 500.
    long = with_question("a" * 295)
    problems = problems_in(chat_folder(tmp_path, {"test.toml": EVERYWHERE}, {"set.toml": long}))
    assert problems == [
        "set.toml:12: Q2 is 309 characters as X counts them (limit 280) with #TestChat "
        "from test.toml",
        "set.toml:12: Q2 is 309 graphemes on Bluesky (limit 300) with #TestChat from test.toml",
    ]


def test_bluesky_counts_graphemes_where_x_weighs_them(tmp_path: Path) -> None:
    """140 CJK characters: 294 on X (each weighs 2), 154 graphemes on Bluesky."""
    only_bluesky = (
        EVERYWHERE.replace('"x", "bluesky", "mastodon"', '"bluesky"')
        .replace('x = "@host"\n', "")
        .replace('mastodon = "@host@mastodon.social"\n', "")
    )
    long = with_question("日本" * 70)
    folder = chat_folder(tmp_path, {"test.toml": only_bluesky}, {"set.toml": long})
    assert problems_in(folder) == []
    folder = chat_folder(tmp_path, {"test.toml": EVERYWHERE}, {"set.toml": long})
    assert problems_in(folder) == [
        "set.toml:12: Q2 is 294 characters as X counts them (limit 280) with #TestChat "
        "from test.toml"
    ]


def test_mastodon_counts_a_link_23_and_warns_its_limit_is_a_default(tmp_path: Path) -> None:
    only_mastodon = (
        SCHEDULE.replace('host = "@host"', 'networks = ["mastodon"]')
        + '\n[hosts]\nmastodon = "@host@mastodon.social"\n'
    )
    link = "https://example.com/" + "p" * 400  # counts 23, whatever its length
    folder = chat_folder(tmp_path, {"test.toml": only_mastodon}, {"set.toml": with_question(link)})
    assert problems_in(folder) == []
    folder = chat_folder(
        tmp_path, {"test.toml": only_mastodon}, {"set.toml": with_question("a" * 490)}
    )
    assert problems_in(folder) == [
        "set.toml:12: Q2 is 504 characters as Mastodon counts them (limit 500, Mastodon's "
        "default: `chatbot doctor` reads your instance's) with #TestChat from test.toml"
    ]
    bigger = NetworkSetup(rules={Network.MASTODON: LengthRule(1000, "characters", 23)})
    assert problems_with(folder, bigger) == []
    smaller = NetworkSetup(rules={Network.MASTODON: LengthRule(400, "characters", 23)})
    assert problems_with(folder, smaller) == [
        "set.toml:12: Q2 is 504 characters as Mastodon counts them (limit 400, the "
        "instance's) with #TestChat from test.toml"
    ]


def test_each_network_fills_host_with_its_own_handle(tmp_path: Path) -> None:
    """{host} is @host on X but @host.bsky.social on Bluesky: 16 graphemes more."""
    # "Q2: " + 272 letters + " @host" + " #TestChat" = 292 on X, 304 graphemes on Bluesky.
    long = with_question("a" * 272 + " {host}")
    only_two = EVERYWHERE.replace('"x", "bluesky", "mastodon"', '"x", "bluesky"').replace(
        'mastodon = "@host@mastodon.social"\n', ""
    )
    problems = problems_in(chat_folder(tmp_path, {"test.toml": only_two}, {"set.toml": long}))
    assert problems == [
        "set.toml:12: Q2 is 292 characters as X counts them (limit 280) with #TestChat "
        "from test.toml",
        "set.toml:12: Q2 is 304 graphemes on Bluesky (limit 300) with #TestChat from test.toml",
    ]


def test_chatbot_check_reads_the_credentials_from_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    folder = chat_folder(tmp_path, {"test.toml": EVERYWHERE}, {"set.toml": QUESTIONS})
    env = tmp_path / "chat.env"
    env.write_text(
        "X_API_KEY=k\nX_API_SECRET=s\nX_ACCESS_TOKEN=t\nX_ACCESS_TOKEN_SECRET=ts\n"
        "MASTODON_BASE_URL=https://mastodon.social\nMASTODON_ACCESS_TOKEN=token\n",
        encoding="utf-8",
    )
    assert cli.main(["--env-file", str(env), "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(
        "test.toml:3: networks names bluesky, but BLUESKY_HANDLE and BLUESKY_APP_PASSWORD are "
        "not set (in .env or the environment)"
    )
    with env.open("a", encoding="utf-8") as more:
        more.write("BLUESKY_HANDLE=host.bsky.social\nBLUESKY_APP_PASSWORD=abcd-efgh-ijkl-mnop\n")
    assert cli.main(["--env-file", str(env), "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "#TestChat, every Wednesday at 19:00 Europe/London, 2 questions, 60 min, on x, " in out
    assert out.rstrip().endswith("OK: 1 chat(s), 1 question set(s)")
