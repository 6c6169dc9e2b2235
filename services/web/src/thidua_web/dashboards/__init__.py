"""Dashboards for the tenant: campaign overview, leaderboards, scorecards, progress, live updates (SSE)."""
