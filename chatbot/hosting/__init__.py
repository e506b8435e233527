"""Hosting chats: the runner that executes a chat's flow, the host, the scheduler."""
