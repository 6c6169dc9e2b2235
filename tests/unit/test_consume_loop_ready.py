"""The local stack waits for each consumer's ready file before it lets tests publish: it is touched
once the consumer has partitions, or when its pattern subscription matches no topic yet (intake's
per-system inbound topics in production before any system is added: nothing to wait for)."""

import asyncio

from thidua_common.kafka.loop import ConsumeLoop


class FakeConsumer:
    def __init__(self, assigned: set, subscribed: set):
        self.assigned, self.subscribed = assigned, subscribed

    async def getmany(self, timeout_ms: int, max_records: int) -> dict:
        await asyncio.sleep(0.01)
        return {}

    def assignment(self) -> set:
        return self.assigned

    def subscription(self) -> set:
        return self.subscribed

    async def commit(self) -> None:
        pass


async def _ready_after_a_poll(consumer: FakeConsumer, tmp_path) -> bool:
    ready = tmp_path / "x.ready"
    loop = ConsumeLoop(consumer, lambda record: None, "test", ready_file=ready)  # type: ignore[arg-type]
    task = asyncio.create_task(loop.run())
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return ready.exists()


async def test_ready_once_partitions_are_assigned(tmp_path):
    assert await _ready_after_a_poll(FakeConsumer({("t", 0)}, {"t"}), tmp_path)


async def test_not_ready_while_subscribed_topics_wait_for_their_partitions(tmp_path):
    assert not await _ready_after_a_poll(FakeConsumer(set(), {"t"}), tmp_path)


async def test_ready_when_the_pattern_matches_no_topic_yet(tmp_path):
    assert await _ready_after_a_poll(FakeConsumer(set(), set()), tmp_path)
