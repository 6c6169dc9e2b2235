"""A unit's reporter and leader: targets, results with evidence, scores with explanations, returned criteria, appeal."""
