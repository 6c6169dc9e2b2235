"""issue 12: dead letters that operators can act on. Reading the dead-letter topics (`records`),
the replay ledger (`ledger`), building a replay (`replay`), the reasons table (`reasons`), the
Kafka side of it (`kafka_io`) and the `thidua-deadletters` command (`cli`)."""
