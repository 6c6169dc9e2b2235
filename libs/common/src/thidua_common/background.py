"""Background loops inside a service process (consumers, the outbox relay, periodic checks)."""

import asyncio


async def cancel_and_wait(task: "asyncio.Task[object] | None") -> None:
    """Stop a background loop and wait until it has unwound (its finally blocks have run)."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
