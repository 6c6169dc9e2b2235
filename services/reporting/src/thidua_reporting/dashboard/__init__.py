"""A live leaderboard page for people: static HTML that calls the query API."""
