"""Work over many documents: a process pool using every core, and a progress line on
a terminal (silent otherwise). Workers are started fresh ('spawn'), never forked from a
process that may already hold a running Saxon. A build runs inside shared_pool(): its
steps share one set of workers instead of starting their own."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, the cost of starting workers outweighs the gain.
MIN_PARALLEL = 16


def workers() -> int:
    env = os.environ.get("TREATYTEI_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """'label  n/total' rewritten in place on a terminal; nothing when not a terminal."""

    def __init__(self, label: str, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.label, self.total, self.done = label, total, 0
        self.live = total > 1 and hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.live:
            width = 30
            filled = width * self.done // max(self.total, 1)
            self.stream.write(f"\r  {self.label:<10} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * (60 + len(self.label)) + "\r")
            self.stream.flush()


def _worker_init() -> None:
    """Each worker: dies with its parent (a build killed with SIGKILL leaves no workers
    behind, on Linux), and leaves Ctrl-C to the parent (one line, no worker tracebacks)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:      # the parent died before the line above ran
            os._exit(1)
    except (OSError, AttributeError):
        pass


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl-C inside this block is raised when it ends: the pool starts its workers while
    it takes the jobs, and a worker stopped halfway through its start (its parent gone
    before it had read what to run) prints a traceback of its broken pipe on the user's
    terminal. Only the main thread receives signals; elsewhere the block does nothing."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if caught and callable(before):
            before(signal.SIGINT, None)      # Python's own handler raises KeyboardInterrupt
        elif caught and before != signal.SIG_IGN:
            raise KeyboardInterrupt          # the default, or a handler not set from Python


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init)


class _Session:
    """The pool of one build: started when first needed, shared by every step."""

    def __init__(self):
        self.pool: ProcessPoolExecutor | None = None
        self.jobs = 0

    def get(self, jobs: int) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = _pool(jobs)
            self.jobs = jobs
        return self.pool


_SESSION: _Session | None = None


@contextmanager
def shared_pool() -> Iterator[None]:
    """Within this block every imap/pmap runs on one pool of worker processes, started
    once: a build's steps do not each pay for starting workers, importing the toolkit
    and starting Saxon again. What a worker keeps between jobs is keyed by the content
    or modification time of what it was made from (schemas, register, manifest,
    stylesheets), so a later step never sees an earlier step's stale state; the pool
    ends with the block."""
    global _SESSION
    if _SESSION is not None:   # already inside one
        yield
        return
    _SESSION = _Session()
    try:
        yield
    except KeyboardInterrupt:
        # stopped: the workers go at once -- one still starting would otherwise print the
        # traceback of its broken pipe on the terminal the user stopped the build in
        if _SESSION.pool is not None:
            for proc in list((getattr(_SESSION.pool, "_processes", None) or {}).values()):
                proc.kill()
        raise
    finally:
        session, _SESSION = _SESSION, None
        if session.pool is not None:
            session.pool.shutdown(wait=True, cancel_futures=True)


def imap(fn: Callable[[T], R], items: Iterable[T], label: str = "", jobs: int | None = None,
         min_items: int = MIN_PARALLEL) -> Iterator[R]:
    """fn(x) for x in items, yielded in order as each is ready, on all cores when there
    are at least ``min_items`` items: the caller can write one result while the workers
    compute the next. ``fn`` must be a module-level function (it is pickled). If the
    caller stops early (or fails), work not yet started is cancelled."""
    items = list(items)
    jobs = min(jobs or workers(), max(1, len(items)))
    if multiprocessing.parent_process() is not None:   # already in a worker: no pool in a pool
        jobs = 1
    progress = Progress(label, len(items))
    try:
        if jobs == 1 or len(items) < min_items:
            for x in items:
                yield fn(x)
                progress.step()
            return
        # small chunks: at the end no worker waits long for the other to finish its last
        chunk = max(1, len(items) // (jobs * 32))
        pool = _SESSION.get(workers()) if _SESSION is not None else None
        shared = pool is not None and jobs <= _SESSION.jobs
        if not shared:
            pool = _pool(jobs)
        results = None
        try:
            with _interrupt_deferred():
                results = pool.map(fn, items, chunksize=chunk)
            for r in results:
                yield r
                progress.step()
        finally:
            if results is not None:
                results.close()   # cancels what has not started
            if not shared:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        progress.close()


def pmap(fn: Callable[[T], R], items: Iterable[T], label: str = "", jobs: int | None = None,
         min_items: int = MIN_PARALLEL) -> list[R]:
    """[fn(x) for x in items], in order, on all cores when there are at least
    ``min_items`` items. ``fn`` must be a module-level function (it is pickled)."""
    return list(imap(fn, items, label, jobs, min_items))
