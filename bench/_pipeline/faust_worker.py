"""The bare faust app of the baseline phase, run as `python faust_worker.py worker` in a process of
its own like the scoring service: scoring's faust.App consumer options (thidua_scoring's
consumer_options, the same object, not a copy) and agent shape (one agent, concurrency 1,
take_events(2000, within=0.05)) doing nothing but counting, so its rate is the ceiling of anything
built on faust this way, before any work per event. Configured by the BENCH_FAUST_* variables
baseline.faust_baseline sets; writes its figures as JSON to BENCH_FAUST_RESULT."""

import json
import os
import time

import faust

from thidua_scoring.faust_options import consumer_options

env = os.environ
expected = int(env["BENCH_FAUST_EXPECTED"])
app = faust.App(
    env["BENCH_FAUST_APP_ID"],
    broker=[f"kafka://{b}" for b in env["BENCH_FAUST_BOOTSTRAP"].split(",")],
    broker_credentials=(
        faust.SASLCredentials(
            username=env["BENCH_FAUST_SASL_USERNAME"],
            password=env["BENCH_FAUST_SASL_PASSWORD"],
            mechanism="SCRAM-SHA-512",
        )
        if env.get("BENCH_FAUST_SASL_USERNAME")
        else None
    ),
    web_port=int(env["BENCH_FAUST_WEB_PORT"]),  # some versions bind 6066 even with the web disabled
    web_bind="127.0.0.1",
    datadir=env["BENCH_FAUST_DATADIR"],
    **consumer_options(),
)
topic = app.topic(env["BENCH_FAUST_TOPIC"], value_serializer="raw", key_serializer="raw")


@app.agent(topic, concurrency=1)
async def count(stream):
    seen = first = 0
    t0 = cpu0 = started = None
    async for events in stream.take_events(2000, within=0.05):
        seen += len(events)
        if t0 is None:  # the rate runs from the first batch: group join and fetch start are left out
            t0, cpu0, first = time.perf_counter(), time.process_time(), len(events)
            started = time.time()
        if seen >= expected:
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            counted = seen - first
            with open(env["BENCH_FAUST_RESULT"], "w") as f:
                json.dump(
                    {
                        "msgs_per_s": round(counted / elapsed),
                        "messages": seen,
                        "timed_messages": counted,
                        "elapsed_s": round(elapsed, 3),
                        "first_batch_at": started,
                        "cpu_us_per_msg": round(1e6 * cpu / counted, 1),
                        "cpu_pct_of_one_core": round(100 * cpu / elapsed, 1),
                    },
                    f,
                )
            os._exit(0)  # done: skip faust's orderly shutdown (commits, rebalance), it is not measured


if __name__ == "__main__":
    app.main()
