"""Errors the user can fix, raised anywhere and reported by the command line.

Apart from the modules that raise them, so the command line can catch them without
importing the bot's whole stack (``chatbot --help`` and ``chatbot check`` start fast).
"""


class SetupError(Exception):
    """The bot cannot start as configured; the message says what to fix."""
