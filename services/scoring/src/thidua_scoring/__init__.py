"""scoring: turns submissions into scores against the campaign's criteria, and explains them."""
