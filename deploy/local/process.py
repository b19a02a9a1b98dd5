"""A child process with its output in a log file, stopped politely, then firmly."""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


class ProcessFailed(RuntimeError):
    pass


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: if the test run or supervisor is killed outright, the
    kernel kills the child instead of leaving a server running with nobody to stop it.
    SIGKILL, because SecantusDB can hang in its SIGTERM handler once its clients are gone."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self._argv = list(argv)
        self.log_path = log_path
        self._env = {**os.environ, **(env or {})}
        self._cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self._argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,  # Ctrl-C reaches the supervisor, which stops us in order
                preexec_fn=_die_with_parent,
            )

    @property
    def exit_code(self) -> int | None:
        return self._proc.poll() if self._proc else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_until(self, ready: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Poll ``ready`` until true; fail early if the process died, with its log tail."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running():
                raise ProcessFailed(
                    f"{self.name} exited while starting (exit code {self.exit_code}): "
                    f"{self.last_error()} (log: {self.log_path})"
                )
            if ready():
                return
            time.sleep(0.2)
        raise ProcessFailed(
            f"{self.name}: {what} not ready in {timeout_s:.0f}s; last error: "
            f"{self.last_error()} (log: {self.log_path})"
        )

    def stop(self, timeout_s: float = 20.0) -> None:
        if not self.running():
            return
        assert self._proc is not None
        self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no cleanup in the child."""
        if self.running():
            assert self._proc is not None
            self._proc.kill()
            self._proc.wait()

    def last_error(self) -> str:
        """The newest error in the log as one line (see :func:`last_error`)."""
        if not self.log_path.exists():
            return "(no log)"
        return last_error(self.log_path.read_text(errors="replace").splitlines())

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def last_error(lines: Sequence[str], window: int = 200) -> str:
    """The exception line of the newest traceback among the last ``window`` JSON log lines,
    else the newest ERROR message, else the last line. A startup failure logs its traceback
    and then a generic "startup failed" line: the traceback is the one that says why."""
    recent = [line for line in lines[-window:] if line.strip()]
    newest_error: str | None = None
    for line in reversed(recent):
        level, text = _entry(line)
        if text is not None and "\n" in text.strip():
            return _one_line(text.strip().splitlines()[-1])
        if newest_error is None and level in ("ERROR", "CRITICAL"):
            newest_error = text
    if newest_error:
        return _one_line(newest_error)
    return _one_line(recent[-1]) if recent else "(empty log)"


def _entry(line: str) -> tuple[str | None, str | None]:
    """(level, the entry's exception or message) of a JSON log line; (None, None) if not JSON."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None, None
    if not isinstance(entry, dict):
        return None, None
    exc = entry.get("exc")
    text = exc if isinstance(exc, str) and exc.strip() else str(entry.get("msg", ""))
    return entry.get("level"), text


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
