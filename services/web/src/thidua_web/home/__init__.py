"""The home page: who I am and my campaigns (with my unit's standing)."""
