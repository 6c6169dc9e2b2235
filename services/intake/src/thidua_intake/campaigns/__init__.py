"""Campaign definitions: intake owns them and announces every change as an event."""
