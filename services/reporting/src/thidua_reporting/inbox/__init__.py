"""My notifications: an inbox built from submission and score events (issue 10)."""
