"""The embedded profile's channel layer sweeps at most once a second, and still expires what it should."""

import asyncio

import pytest

from plaza.core import channel_layers
from plaza.core.channel_layers import SweepingInMemoryChannelLayer


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(channel_layers, "monotonic", clock)
    return clock


def test_a_group_send_reaches_every_member_once():
    async def scenario():
        layer = SweepingInMemoryChannelLayer()
        channels = [await layer.new_channel() for _ in range(3)]
        for channel in channels:
            await layer.group_add("list-1", channel)
        await layer.group_discard("list-1", channels[2])
        await layer.group_send("list-1", {"type": "list.operation", "frame": "v1"})
        received = [await asyncio.wait_for(layer.receive(channel), 1) for channel in channels[:2]]
        assert received == [{"type": "list.operation", "frame": "v1"}] * 2
        assert layer.channels == {}

    asyncio.run(scenario())


def test_expired_messages_and_their_channels_go_at_the_next_sweep(clock):
    async def scenario():
        layer = SweepingInMemoryChannelLayer()
        gone, kept = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("list-1", gone)
        await layer.group_add("list-1", kept)
        layer._clean_expired()  # the first sweep, at 1000 s
        layer.expiry = -1  # what is sent from now on has already expired
        await layer.send(gone, {"type": "list.operation", "frame": "stale"})

        clock.now += 0.5
        layer._clean_expired()
        assert gone in layer.groups["list-1"], "swept again within the second"

        clock.now += 0.6
        layer._clean_expired()
        assert gone not in layer.groups["list-1"] and gone not in layer.channels
        assert kept in layer.groups["list-1"]

    asyncio.run(scenario())
