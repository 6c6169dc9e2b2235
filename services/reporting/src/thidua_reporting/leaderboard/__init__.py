"""Leaderboards and scorecards, computed from reporting's read model."""
