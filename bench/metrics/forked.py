"""Run one job in several forked processes that share what they learn halfway.

For a tokenizer the C batch does not reproduce (bench.kernel's score_texts),
the compiled scorer's only Python work is normalizing (stemming) each distinct
word, and splitting the pairs over processes would make every process stem most
of the vocabulary again (the common words are everywhere). So each worker stems only
its share of the new words (by hash), the shares are pooled through the parent
(``Exchange.share``), and each worker then stems just the words no one else
had. Workers are ``os.fork`` children (the inputs are inherited, not pickled);
the parent is worker 0. Results and the pooled dictionaries travel over pipes.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import signal
import struct
import traceback
from typing import Any, Callable

import numpy as np

_HEADER = struct.Struct("<Q")


def shared_array(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 array that forked workers write into and this process then reads."""
    size = int(np.prod(shape)) * 8
    buffer = mmap.mmap(-1, max(size, 1))  # anonymous and shared: seen by forked children
    return np.frombuffer(buffer, dtype=np.float64, count=int(np.prod(shape))).reshape(shape)


class WorkerFailed(RuntimeError):
    """A forked worker raised or died; the message carries its traceback."""


def can_fork() -> bool:
    import multiprocessing

    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


class _Link:
    """Length-prefixed pickles over a pair of pipes."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd = read_fd, write_fd

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def recv(self) -> Any:
        size = _HEADER.unpack(self._read(_HEADER.size))[0]
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.read_fd, min(left, 1 << 22))
            if not chunk:
                raise WorkerFailed("a scoring worker ended without answering")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


class Exchange:
    """What a worker calls halfway: give its share (a dict), get everyone's pooled."""

    def __init__(self, workers: int, index: int) -> None:
        self.workers, self.index = workers, index

    def share(self, mine: dict) -> dict:
        raise NotImplementedError


class _Alone(Exchange):
    def share(self, mine: dict) -> dict:
        return mine


class _ChildExchange(Exchange):
    def __init__(self, workers: int, index: int, link: _Link) -> None:
        super().__init__(workers, index)
        self._link = link

    def share(self, mine: dict) -> dict:
        self._link.send(("share", _pack(mine)))
        pooled = _unpack(self._link.recv())  # everyone else's
        pooled.update(mine)
        return pooled


class _ParentExchange(Exchange):
    def __init__(self, workers: int, links: list[_Link]) -> None:
        super().__init__(workers, 0)
        self._links = links

    def share(self, mine: dict) -> dict:
        shares = [mine] + [_unpack(_expect(link, "share")) for link in self._links]
        for index, link in enumerate(self._links, start=1):  # each child gets the others' shares
            link.send(_pack(_union(shares[:index] + shares[index + 1:])))
        return _union(shares)


_SEP = "\x00"


def _pack(share: dict) -> Any:
    """A dict of words to tokens (str, or None for dropped) as two joined strings,
    which pickle many times faster than the dict; other dicts go as they are."""
    try:
        keys = _SEP.join(share)
        values = _SEP.join([v or "" for v in share.values()])
    except TypeError:
        return share
    if keys.count(_SEP) != len(share) - 1 or values.count(_SEP) != len(share) - 1 or not share:
        return share  # a separator inside a word: no shortcut
    return ("joined", keys, values)


def _unpack(packed: Any) -> dict:
    if isinstance(packed, dict):
        return packed
    _, keys, values = packed
    # "" stands for a dropped word (None): both are false, which is all a token's absence means.
    return dict(zip(keys.split(_SEP), values.split(_SEP)))


def _union(dicts: list[dict]) -> dict:
    if len(dicts) == 1:
        return dicts[0]
    out: dict = {}
    for one in dicts:
        out.update(one)
    return out


def _expect(link: _Link, kind: str) -> Any:
    got, payload = link.recv()
    if got == "error":
        raise WorkerFailed(f"a scoring worker failed:\n{payload}")
    if got != kind:
        raise WorkerFailed(f"a scoring worker sent {got!r} where {kind!r} was due")
    return payload


def run(work: Callable[[Exchange], Any], workers: int) -> list[Any]:
    """``work(exchange)`` in ``workers`` processes (this one is worker 0); their
    results in worker order. ``exchange.index`` tells a worker which it is."""
    if workers < 2:
        return [work(_Alone(1, 0))]
    links: list[_Link] = []
    pids: list[int] = []
    finished = False
    # Keep the parent's objects out of the children's garbage collections, which
    # would otherwise touch (and so copy) every inherited page.
    gc.freeze()
    try:
        for index in range(1, workers):
            to_child, to_parent = os.pipe(), os.pipe()
            pid = os.fork()
            if pid == 0:  # the child never returns from here
                _child(work, workers, index, _Link(to_child[0], to_parent[1]),
                       links + [_Link(to_child[1], to_parent[0])])
            os.close(to_child[0])
            os.close(to_parent[1])
            links.append(_Link(to_parent[0], to_child[1]))
            pids.append(pid)
        results = [work(_ParentExchange(workers, links))]
        results += [_expect(link, "done") for link in links]
        finished = True
        return results
    finally:
        gc.unfreeze()
        for link in links:
            link.close()
        for pid in pids:
            if not finished:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            os.waitpid(pid, 0)


def _child(work: Callable[[Exchange], Any], workers: int, index: int, link: _Link, inherited: list[_Link]) -> None:
    status = 1
    try:
        gc.disable()  # a short-lived child: collections would only copy inherited pages
        for other in inherited:  # the parent's ends: only the parent may hold them
            other.close()
        result = work(_ChildExchange(workers, index, link))
        link.send(("done", result))
        status = 0
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        try:
            link.send(("error", traceback.format_exc()))
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(status)
