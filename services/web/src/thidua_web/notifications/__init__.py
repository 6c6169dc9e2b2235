"""My notifications (reporting's inbox of the caller)."""
