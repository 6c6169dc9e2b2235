"""Development and test tooling. Not product code: no service imports it."""
