"""reporting: read models built from events, and the query API dashboards use."""
