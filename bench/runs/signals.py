"""Ctrl-C (SIGINT) and SIGTERM stop a run at once, keep everything, and say how to resume.

SIGTERM is what ``timeout``, schedulers (Slurm, Kubernetes) and ``kill`` send;
by default Python dies of it silently (exit 143, nothing on stderr). During a
run it is handled like Ctrl-C: the run stops at the next Python instruction,
what was made is on disk, and the command says how to continue, exiting
128 + the signal's number as a shell expects.

A KeyboardInterrupt that arrives while a ``__del__`` or weakref callback runs
is printed as "Exception ignored" and lost, and the run would go on to the
end; so the handler also notes the signal, and ``check()`` stops the run at
the next safe point. A signal whose handler was not Python's default when the
run began (ignored, as ``cmd &`` in a script starts SIGINT, or set by an
embedding program) is left as it is.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from bench.runs.directory import RunDirectory


class Stopped(KeyboardInterrupt):
    """The run was asked to stop by ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by a signal: what was done is on disk and the run can be resumed."""

    def __init__(self, directory: RunDirectory, kept: int, signum: int = signal.SIGINT) -> None:
        super().__init__(f"{directory.path}: interrupted with {kept} predictions kept")
        self.directory = directory
        self.kept = kept
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> str:
        """The one line the command prints."""
        what = "interrupted" if self.signum == signal.SIGINT else f"stopped by {signal.Signals(self.signum).name}"
        return (f"bench: {what}; {self.kept} predictions kept in {self.directory.path}. "
                f"To continue: bench run --resume {self.directory.path}")


# Python's own disposition for each signal handled: only then is a run's handler set.
DEFAULTS: dict[int, Any] = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}


class StopSignals:
    """Within ``with``: SIGINT and SIGTERM raise ``Stopped`` and are remembered."""

    def __init__(self) -> None:
        self.seen: int | None = None
        self._installed: list[int] = []
        self._pid = os.getpid()

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for signum, default in DEFAULTS.items():
                if signal.getsignal(signum) is default:
                    signal.signal(signum, self._on_signal)
                    self._installed.append(signum)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum in self._installed:
            if signal.getsignal(signum) == self._on_signal:  # not one set since
                signal.signal(signum, DEFAULTS[signum])
        self._installed.clear()

    def _on_signal(self, signum: int, frame: object) -> None:
        if os.getpid() != self._pid:  # a forked worker (scoring processes): die as it would have
            signal.signal(signum, DEFAULTS[signum])
            os.kill(os.getpid(), signum)
            return
        if self.seen is None:
            self.seen = signum
        raise Stopped(signum)

    def check(self) -> None:
        """A safe point: stop here if a signal came, even if its exception was swallowed."""
        if self.seen is not None:
            raise Stopped(self.seen)

    def signum(self, interrupt: KeyboardInterrupt) -> int:
        """Which signal stopped the run (a bare KeyboardInterrupt is Ctrl-C)."""
        if isinstance(interrupt, Stopped):
            return interrupt.signum
        return self.seen if self.seen is not None else signal.SIGINT
