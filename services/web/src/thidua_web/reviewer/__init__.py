"""Reviewers (cluster heads, board officers): the review queue, decisions, ratings, reopening."""
