"""Code the X, Bluesky and Mastodon emulators share among themselves (never with the bot)."""
