"""Consumer records for the consume-loop filters, without a broker: a record with only what the
filters read, and a handler that notes the values it is given."""


class Record:
    def __init__(self, value: bytes, headers: list[tuple[str, bytes]]):
        self.value, self.headers = value, headers


def recording_handler() -> tuple:
    """(handle, seen): `handle` appends each record's value to `seen`."""
    seen: list[bytes] = []

    async def handle(record) -> None:
        seen.append(record.value)

    return handle, seen
