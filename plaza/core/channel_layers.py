"""The embedded profile's channel layer: Channels' in-memory layer, sweeping less often.

The stock layer looks through every channel and every group for expired messages and
memberships on each receive and each group send. Every open socket waits in a receive,
so one push to a group of 200 sockets made 200 full sweeps of the whole layer; sweeping
at most once a second leaves expiry (a minute for a message, a day for a membership) as
it was.
"""

from time import monotonic

from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL_S = 1.0


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    _swept_at = float("-inf")

    def _clean_expired(self):
        now = monotonic()
        if now - self._swept_at < SWEEP_INTERVAL_S:
            return
        self._swept_at = now
        super()._clean_expired()
