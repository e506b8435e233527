"""The X adapter: tweepy's AsyncClient behind the XClient port, and a local X API emulator."""
