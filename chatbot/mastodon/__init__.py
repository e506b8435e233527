"""The Mastodon adapter: Mastodon.py at the edge, posts as the chat core sees them."""
