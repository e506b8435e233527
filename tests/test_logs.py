"""Log lines: secrets starred in every encoding, no control characters."""

from __future__ import annotations

import logging

from chatbot.logs import SafeFormatter


def _line(message: str, *args: object, secrets: tuple[str, ...] = ()) -> str:
    record = logging.LogRecord("chatbot", logging.INFO, __file__, 1, message, args, None)
    return SafeFormatter(secrets).format(record)


def test_a_secret_is_starred_as_written_and_percent_encoded() -> None:
    encoded = ("k+y/42=", "k%2By%2F42%3D", "k%252By%252F42%253D")
    line = _line("key %s, sent as %s and %s", *encoded, secrets=(encoded[0],))
    assert line.endswith("INFO chatbot: key **********, sent as ********** and **********")


def test_control_characters_in_a_log_line_are_dropped() -> None:
    line = _line("posted %s", "\x1b[2J\x1b]0;pwned\x07A1 hi")
    assert line.endswith("INFO chatbot: posted A1 hi")
