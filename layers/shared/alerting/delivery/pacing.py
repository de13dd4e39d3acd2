"""Per-target pacing (DESIGN 6): requests to one target go out no faster than its documented rate.

A request waits for its turn, never skips it: turns are handed out in the order requests ask, so
pacing neither drops nor reorders. A 429 with a short Retry-After moves the target's next turn past
it for every thread and the request is sent again at that turn; a longer one is left to the queue's
retry schedule.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from alerting.delivery.transport import Result

# Retry-After up to this long is waited out within the attempt; a longer one goes back to the queue.
INLINE_RETRY_AFTER_SECONDS = 5.0
INLINE_RETRIES = 2


@dataclass
class Pacer:
    """The next free turn per target, shared by a warm function's delivery threads."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _next_turn: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self, target: str, per_second: float) -> None:
        with self._lock:
            now = self.clock()
            turn = max(now, self._next_turn.get(target, now))
            self._next_turn[target] = turn + 1.0 / per_second
        if turn > now:
            self.sleep(turn - now)

    def backs_off(self, target: str, result: Result) -> bool:
        """After a 429 with a short Retry-After: hold the target's turns back by it and say to resend."""
        wait = result.retry_after_seconds
        if result.exchange.status_code != 429 or wait is None or wait > INLINE_RETRY_AFTER_SECONDS:
            return False
        with self._lock:
            resume = self.clock() + wait
            self._next_turn[target] = max(self._next_turn.get(target, resume), resume)
        return True
