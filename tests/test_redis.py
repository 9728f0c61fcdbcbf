"""Rasa's conversation lock shared through Redis: two Rasa instances never handle one
resident's messages at the same time (KOKOM_TEST_REDIS_URL; .ci/run sets it)."""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from kokom.lock_store import UrlLockStore, lock_store_from_url


@pytest.fixture()
def redis_url():
    url = os.environ.get("KOKOM_TEST_REDIS_URL")
    if not url:
        pytest.skip("KOKOM_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - set but unreachable: a failure, never a skip
        pytest.fail(f"KOKOM_TEST_REDIS_URL is set but Redis is not reachable: {exc}")
    return url


def test_without_redis_the_lock_is_in_memory(monkeypatch):
    from rasa.core.lock_store import InMemoryLockStore

    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(UrlLockStore(), InMemoryLockStore)


def test_two_instances_take_turns_on_one_conversation(redis_url, monkeypatch):
    from rasa.core.lock_store import RedisLockStore

    prefix = f"kokomtest{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("KOKOM_LOCK_PREFIX", prefix)
    first, second = UrlLockStore(), lock_store_from_url(redis_url, prefix)
    assert isinstance(first, RedisLockStore) and isinstance(second, RedisLockStore)
    events: list[str] = []

    async def handle(store, name: str, hold: float) -> None:  # type: ignore[no-untyped-def]
        async with store.lock("6281234567890", wait_time_in_seconds=0.02):
            events.append(f"{name} in")
            await asyncio.sleep(hold)
            events.append(f"{name} out")

    async def scenario() -> None:
        a = asyncio.create_task(handle(first, "a", 0.3))
        await asyncio.sleep(0.05)
        b = asyncio.create_task(handle(second, "b", 0.01))
        other = asyncio.create_task(_other_conversation(second, events))
        await asyncio.gather(a, b, other)

    asyncio.run(scenario())
    assert events.index("a out") < events.index("b in")  # one at a time, in arrival order
    assert events.index("other in") < events.index("a out")  # other residents are not held up


async def _other_conversation(store, events: list[str]) -> None:  # type: ignore[no-untyped-def]
    async with store.lock("6289876543210", wait_time_in_seconds=0.02):
        events.append("other in")


def test_a_prefix_with_separators_is_kept_not_dropped(redis_url):
    store = lock_store_from_url(redis_url, "kokom-kelurahan_sogaten")
    assert store.key_prefix == "kokomkelurahansogaten:lock:"
