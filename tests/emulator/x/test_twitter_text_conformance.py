"""The emulator's weighted length and link finder against twitter-text's conformance data,
and the adapter's counter against the same cases: both sides answer to X's rules, not to
each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatbot.emulator.x.links import links_in
from chatbot.emulator.x.weighted import is_valid, weighted_length
from chatbot.render.length import weighted_length as adapter_weighted_length

HERE = Path(__file__).parent


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((HERE / name).read_text(encoding="utf-8"))["cases"]
    return cases


LENGTHS = _cases("twitter_text_v3_cases.json")
URLS = _cases("twitter_text_url_cases.json")


@pytest.mark.parametrize("case", LENGTHS, ids=[c["description"][:60] for c in LENGTHS])
def test_the_emulator_counts_as_twitter_text_v3(case: dict[str, Any]) -> None:
    assert weighted_length(case["text"]) == case["weightedLength"]
    assert is_valid(case["text"]) is case["valid"]


@pytest.mark.parametrize("case", LENGTHS, ids=[c["description"][:60] for c in LENGTHS])
def test_the_adapter_counts_as_twitter_text_v3(case: dict[str, Any]) -> None:
    assert adapter_weighted_length(case["text"]) == case["weightedLength"]


@pytest.mark.parametrize("case", URLS, ids=[c["description"][:60] for c in URLS])
def test_the_emulator_finds_links_as_twitter_text(case: dict[str, Any]) -> None:
    found = links_in(case["text"])
    assert [link.url for link in found] == case["expected"]
    assert all(case["text"][link.start : link.end] == link.url for link in found)


def test_an_empty_post_and_one_over_280_are_not_valid() -> None:
    assert not is_valid("   ")
    assert is_valid("a" * 280) and not is_valid("a" * 281)
    assert weighted_length("日本" * 70) == 280 and weighted_length("©") == 2
