"""The Dask engine: submissions graded as tasks on a cluster's worker processes.

``--jobs N`` starts a :class:`distributed.LocalCluster` of N processes with one thread each;
``--scheduler ADDRESS`` joins a cluster that is already running (dask-jobqueue on Slurm or
PBS, dask-kubernetes, ``dask scheduler`` + ``dask worker``). A task carries one submission's
bytes and the options, and runs :func:`batch.grade_shipped` in the worker process, which
grades it in its own sandboxed kernel there; the result comes back as plain data (a dict of
strings and numbers). Workers need the same checkout and environment as this machine (the
grader's fingerprint is compared), root and namespaces (see ``view``).
"""
import logging
import uuid
from contextlib import contextmanager
from typing import Iterable, Iterator

from ... import plain
from . import fingerprints, view
from .settings import GradeError

IN_FLIGHT = 2   # tasks queued per worker thread: bytes wait here, not in the scheduler
CONNECT_TIMEOUT = 30


def _dask():
    try:
        from dask import distributed
    except ImportError:
        raise GradeError("grading on several workers needs Dask: `make grade` installs it "
                         "(or pip install -e '.[grade]')") from None
    return distributed


@contextmanager
def client(jobs: int, scheduler: str | None):
    """A client of the cluster at ``scheduler``, or of a local cluster of ``jobs`` processes."""
    distributed = _dask()
    if scheduler:
        try:
            remote = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            raise GradeError(f"--scheduler {scheduler}: cannot connect "
                             f"({plain.one_line(err, 120)})") from None
        with remote:
            yield remote
        return
    with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as local, \
            distributed.Client(local) as local_client:
        yield local_client


def worker_report() -> tuple[str, str]:
    """Run on each worker: why it cannot isolate kernels ("" when it can), its grader."""
    return view.missing_isolation(), fingerprints.grader()


def check_workers(dask_client, stamp: str) -> None:
    """Refuse, in one line, a cluster whose workers cannot grade or grade differently."""
    for address, (missing, theirs) in sorted(dask_client.run(worker_report).items()):
        if missing:
            raise GradeError(f"worker {address}: {missing}")
        if theirs != stamp:
            raise GradeError(f"worker {address} has another grader ({theirs}, here {stamp}): "
                             "give the workers this checkout and environment")


def graded(task, items: Iterable, stamp: str, jobs: int, scheduler: str | None) -> Iterator:
    """``(sub, result or exception)`` for each ``(sub, *args)`` of ``items``, as they finish:
    ``task(sub, *args)`` runs on a worker. Only a few tasks per worker are queued at a time."""
    distributed = _dask()
    with client(jobs, scheduler) as dask_client:
        check_workers(dask_client, stamp)
        pending = iter(items)
        running = distributed.as_completed()
        owner: dict = {}

        def top_up() -> None:
            slots = IN_FLIGHT * max(1, sum(dask_client.nthreads().values()))
            while running.count() < slots:
                item = next(pending, None)
                if item is None:
                    return
                future = dask_client.submit(task, *item, key=f"grade-{uuid.uuid4().hex}",
                                            pure=False, retries=0)
                owner[future.key] = item[0]
                running.add(future)

        top_up()
        for future in running:
            sub = owner.pop(future.key)
            try:
                outcome = future.result()
            except Exception as err:  # a worker that died or vanished: the batch goes on
                outcome = err
            future.release()
            top_up()
            yield sub, outcome
