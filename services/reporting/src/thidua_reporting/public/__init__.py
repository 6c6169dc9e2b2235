"""The public board: a tenant that enables it shows its verified leaderboards without sign-in."""
