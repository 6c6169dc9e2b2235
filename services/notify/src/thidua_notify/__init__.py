"""notify: turns events into messages for people, with delivery records, retries and a dead-letter topic."""
