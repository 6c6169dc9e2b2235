"""Projects campaign and score events into reporting's own collections."""
