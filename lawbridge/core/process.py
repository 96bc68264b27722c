"""Helpers for long-running commands."""

import signal


class StopFlag:
    """Becomes true on SIGINT or SIGTERM, so a loop can finish its round and exit cleanly."""

    def __init__(self) -> None:
        self.stopping = False
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def __bool__(self) -> bool:
        return self.stopping
