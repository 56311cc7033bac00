"""Per-person limits on writes that reach other people (friend requests, comments, asks,
answers, shares): enough for anyone using Plaza by hand, too few for a script spamming a
town. Counted in fixed windows in the cache (Redis in the scale-out profile, so every
process shares the count; the embedded profile's cache is its one process's).

The limits are ``settings.PLAZA_RATE_LIMITS``: action -> (how many, per seconds).
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

from plaza.core.errors import TooManyRequests


def spend(action: str, person_id: int) -> None:
    """Count one ``action`` by ``person_id``, or raise TooManyRequests (nothing counted)
    if they have used up the window's allowance."""
    allowed, window = settings.PLAZA_RATE_LIMITS[action]
    now = time.time()
    window_start = math.floor(now / window) * window
    key = f"rate:{action}:{person_id}:{window_start}"
    # add() creates the counter with the window's lifetime; incr() is atomic on Redis.
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        used = 1
    if used > allowed:
        cache.decr(key)
        retry_after = max(1, math.ceil(window_start + window - now))
        raise TooManyRequests(
            f"You have done that {allowed} times in a short while; try again in {_duration(retry_after)}.",
            retry_after=retry_after,
        )


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"
