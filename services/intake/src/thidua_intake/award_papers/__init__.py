"""issue 13: award papers — the decision batch: nominations that reached the decision stage,
grouped into one quyết định with its tờ trình, numbered in the tenant's register."""
