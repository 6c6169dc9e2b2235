"""Code shared by the Thi Đua services. Nothing here talks to another service's data."""
