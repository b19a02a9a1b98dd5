"""Brings a crashed service back, as a process supervisor (systemd, Kubernetes) would."""

import time
from collections import deque
from collections.abc import Callable, Sequence

from deploy.local.process import ManagedProcess

MAX_RESTARTS, WINDOW_S = 5, 300.0


class Supervisor:
    """Restarts a service that exited on its own; gives up on one that keeps dying."""

    def __init__(
        self,
        processes: Sequence[ManagedProcess],
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._processes = list(processes)
        self._say = say
        self._clock = clock
        self._restarts: dict[str, deque[float]] = {p.name: deque() for p in processes}
        self.given_up: set[str] = set()

    def check(self) -> None:
        for process in self._processes:
            if process.name not in self.given_up and not process.running():
                self._revive(process)

    def _revive(self, process: ManagedProcess) -> None:
        now = self._clock()
        recent = self._restarts[process.name]
        while recent and recent[0] < now - WINDOW_S:
            recent.popleft()
        if len(recent) >= MAX_RESTARTS:
            self.given_up.add(process.name)
            self._say(
                f"{process.name} exited {MAX_RESTARTS} times in {WINDOW_S:.0f}s; not restarting"
                f" it again: {process.last_error()} (log: {process.log_path})"
            )
            return
        recent.append(now)
        self._say(
            f"{process.name} exited (exit code {process.exit_code}); restarting it"
            f" (log: {process.log_path})"
        )
        process.start()
