"""Thi Đua console: server-rendered pages signed in through OIDC (a backend-for-frontend)."""
