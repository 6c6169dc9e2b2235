"""issue 15: channels — signed webhooks: per-tenant subscriptions (URL, event kinds, secret), each
request signed with HMAC-SHA256 over timestamp + "." + body, and targets checked against private,
loopback and link-local addresses in production (docs/webhooks.md)."""
