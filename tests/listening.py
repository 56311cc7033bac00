"""What open sockets hear while a test acts, with whichever channel layer the run uses."""

import asyncio

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

RECEIVE_TIMEOUT_S = 10


def heard_while(groups: list[str], act, count: int) -> list[list[dict]]:
    """The first ``count`` messages a socket in each of ``groups`` hears while ``act()``
    runs. The sockets listen on one event loop from before ``act`` until they have heard
    them, as a server's do: a pub/sub layer delivers only to those listening at the time."""
    layer = get_channel_layer()

    async def listen() -> list[list[dict]]:
        channels = []
        for group in groups:
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
            channels.append(channel)
        await sync_to_async(act)()
        return [
            [await asyncio.wait_for(layer.receive(channel), RECEIVE_TIMEOUT_S) for _ in range(count)]
            for channel in channels
        ]

    return async_to_sync(listen)()
