import asyncio

from bot.inflight import InFlight


async def test_waiting_returns_once_the_last_piece_of_work_ends() -> None:
    inflight = InFlight()
    release = asyncio.Event()

    async def work() -> None:
        async with inflight.track():
            await release.wait()

    tasks = [asyncio.create_task(work()) for _ in range(3)]
    await asyncio.sleep(0)
    assert inflight.count == 3

    waiter = asyncio.create_task(inflight.wait_idle(5))
    await asyncio.sleep(0.01)
    assert not waiter.done()

    release.set()
    assert await waiter
    await asyncio.gather(*tasks)
    assert inflight.count == 0


async def test_waiting_gives_up_after_the_grace_period() -> None:
    inflight = InFlight()
    async with inflight.track():
        assert not await inflight.wait_idle(0.01)


async def test_nothing_in_flight_is_idle_at_once() -> None:
    assert await InFlight().wait_idle(0)
