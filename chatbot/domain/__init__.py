"""Platform-free chat logic: models, the chat flow, answer matching, recap stats."""
