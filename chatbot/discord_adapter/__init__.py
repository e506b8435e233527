"""Discord control plane: slash commands for moderators and the live answer feed."""

from chatbot.discord_adapter.bot import ModeratorBot
from chatbot.discord_adapter.feed import DiscordModeratorChannel

__all__ = ["DiscordModeratorChannel", "ModeratorBot"]
