"""The inbound topic: other systems publish submissions as CloudEvents; intake validates them
exactly like HTTP requests and parks the invalid ones, untouched, in the dead-letter topic."""
