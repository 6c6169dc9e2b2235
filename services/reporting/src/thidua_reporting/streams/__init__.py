"""Live updates of a campaign's leaderboard: server-sent events (issue 10)."""
