"""The X adapter: tweepy's AsyncClient behind the XClient port."""
