"""chatbot: hosts recurring Twitter (X) chats unattended."""

__version__ = "0.1.0"
