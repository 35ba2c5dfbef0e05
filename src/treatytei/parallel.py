"""Work over many documents: a process pool using every core, and a progress line on
a terminal (silent otherwise). Workers are started fresh ('spawn'), never forked from a
process that may already hold a running Saxon."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
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


def imap(fn: Callable[[T], R], items: Iterable[T], label: str = "", jobs: int | None = None,
         min_items: int = MIN_PARALLEL) -> Iterator[R]:
    """fn(x) for x in items, yielded in order as each is ready, on all cores when there
    are at least ``min_items`` items: the caller can write one result while the workers
    compute the next. ``fn`` must be a module-level function (it is pickled). If the
    caller stops early (or fails), work not yet started is cancelled."""
    items = list(items)
    jobs = min(jobs or workers(), max(1, len(items)))
    progress = Progress(label, len(items))
    try:
        if jobs == 1 or len(items) < min_items:
            for x in items:
                yield fn(x)
                progress.step()
            return
        ctx = multiprocessing.get_context("spawn")
        chunk = max(1, len(items) // (jobs * 8))
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        try:
            for r in pool.map(fn, items, chunksize=chunk):
                yield r
                progress.step()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        progress.close()


def pmap(fn: Callable[[T], R], items: Iterable[T], label: str = "", jobs: int | None = None,
         min_items: int = MIN_PARALLEL) -> list[R]:
    """[fn(x) for x in items], in order, on all cores when there are at least
    ``min_items`` items. ``fn`` must be a module-level function (it is pickled)."""
    return list(imap(fn, items, label, jobs, min_items))
