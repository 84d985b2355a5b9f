"""One Dask set-up for every batch: a local cluster of worker processes, or an existing scheduler.

:func:`map_unordered` submits ``func(item, *args)`` for each item, keeps at most two tasks per worker in
flight (a library of millions of molecules is never submitted at once) and yields ``(key, result)`` as
tasks finish; the caller writes each result as it arrives, so an interrupted batch keeps what was done.
Used by screening (:mod:`nanoligand.design.screen`) and by energy batches (:mod:`nanoligand.energy.batch`).

``workers=0`` (or ``scheduler=None`` with one item) runs in the calling process.

Examples
--------
>>> sorted(map_unordered(pow, [(k, k) for k in range(4)], 2, workers=0))
[(0, 0), (1, 1), (2, 4), (3, 9)]
"""

from __future__ import annotations

import logging
import os
from collections import deque
from typing import Any, Callable, Hashable, Iterable, Iterator

from nanoligand.errors import InputError

__all__ = ["map_unordered"]


def map_unordered(func: Callable[..., Any], items: Iterable[tuple[Hashable, Any]], *args: Any,
                  workers: int | None = None, scheduler: str | None = None) -> Iterator[tuple[Hashable, Any]]:
    """Yield ``(key, func(item, *args))`` for every ``(key, item)``, in the order tasks finish.

    Parameters
    ----------
    func : a picklable top-level function.
    items : ``(key, item)`` pairs, consumed lazily.
    workers : local worker processes (default: the machine's cores); 0 = in this process.
    scheduler : address of an existing Dask scheduler (``tcp://host:8786``); overrides ``workers``.
    """
    if scheduler is None and workers == 0:
        for key, item in items:
            yield key, func(item, *args)
        return
    from dask.distributed import Client, LocalCluster, wait

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        slots = 2 * max(1, len(client.scheduler_info()["workers"]))
        pending: deque = deque()
        source = iter(items)

        def top_up() -> None:
            while len(pending) < slots:
                nxt = next(source, None)
                if nxt is None:
                    return
                pending.append((nxt[0], client.submit(func, nxt[1], *args, pure=False)))

        top_up()
        while pending:
            wait([f for _, f in pending], return_when="FIRST_COMPLETED")
            for entry in [p for p in pending if p[1].done()]:
                pending.remove(entry)
                yield entry[0], entry[1].result()
            top_up()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
