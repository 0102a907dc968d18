"""Execution at any size: a bounded pool of Jupyter kernels, a time and memory report, and shards.

Everything the build executes is an *item*: a notebook to run in a Jupyter kernel, with a *job*
that says what to run and what to keep of it (``course.run.runs.LessonRun``: a lesson's one run). The
pool knows no job's internals: it asks the job for its notebook and its cell timeout, runs it,
asks the job where a cell that failed stands in its source, and hands the executed notebook to the
job, which stores its results in the content-addressed build cache (``.cache/build``) under the
item's key; an item whose results are all there is not executed again.

**The pool.** At most ``jobs()`` items execute at once, longest first (``by_expected_time``);
each kernel runs torch and BLAS on one thread (``threads()``), so that the pool never asks for
more threads than the machine has cores. Peak memory grows with the number of jobs, not with the number of items. Kernels start
one after another (two kernels that start together can pick the same free port) and a start that
fails is tried again. Settings, all from the environment:

- ``COURSE_JOBS``: how many items execute at once; default: the cores this process may use.
- ``COURSE_CELL_TIMEOUT``: seconds a cell may run (default 300); a job may set its own.

(Both are read by ``course.settings``, the one place settings come from.)

A cell that raises, runs past its timeout, or whose kernel dies (killed, out of memory) stops the
build with the place the job gives it (file and line); the other items are stopped too.

**The report.** Each run records every item: its kind, name, whether it came from the cache, and
the run time and peak memory (resident set) of the run that made it. The build publishes it as
the page ``execution-times/`` and writes it to ``.cache/build/execution.json``; shards read it.

**Shards.** ``execute(..., shard="I/N")`` (``make execute SHARD=I/N``) executes only shard I of N
into the cache: the items are dealt longest first to the least loaded shard, by the run times the
report recorded (an unknown item counts ``DEFAULT_SECONDS``), as pytorch/tutorials spreads its
build. Copy the ``.cache/build`` folders of all shards into one and ``mkdocs build`` executes
nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from course import ROOT, settings
from course.run import cache, data, store
from course.run.environment import job_env

# asyncio is imported where the pool runs, not here: a warm build executes nothing and skips it.

REPORT = cache.CACHE_DIR / "execution.json"
RUNS = cache.CACHE_DIR / "runs"  # one record per executed item key: its time and peak memory
DEFAULT_SECONDS = 20.0  # what an item never timed before is expected to take
KERNEL_START_TRIES = 3
KINDS = ("lesson",)
log = logging.getLogger("mkdocs.course.execution")


class ExecutionError(RuntimeError):
    """An item failed: the message names its file and line."""


# --- settings -------------------------------------------------------------------------------


cores = settings.cores


def jobs() -> int:
    """How many items execute at once: ``$COURSE_JOBS``, else the number of cores."""
    try:
        return settings.current().jobs
    except settings.SettingsError as exc:
        raise ExecutionError(str(exc)) from None


def threads(n_jobs: int | None = None) -> int:
    """torch/BLAS threads per job: one, whatever the jobs and the cores.

    With the default of one job per core, that shares the cores out exactly. It stays one when
    fewer jobs run: the lessons' models are tiny, so a second thread gains little and spins
    against everything else on a busy machine; and a result computed with another number of
    threads may differ in its last digits from the outputs the tests verify in one thread, or
    from what a shard on a machine with other cores computed.
    """
    return 1


def cell_timeout() -> int:
    try:
        return settings.current().cell_timeout
    except settings.SettingsError as exc:
        raise ExecutionError(str(exc)) from None


# --- items ----------------------------------------------------------------------------------


class Job(Protocol):
    """What the pool runs for an item, and what it keeps of the run (``course.run.runs.LessonRun``)."""

    def notebook(self) -> Any: ...  # the nbformat notebook to execute

    def timeout(self) -> int: ...  # seconds one cell may run

    def where(self, index: int | None, traceback: str = "") -> str: ...  # "file:line" of a cell

    def finish(self, executed: Any, failure: str | None, index: int | None) -> None:
        """Store the results of the executed notebook; raise ExecutionError if it failed."""


@dataclass
class Item:
    kind: str  # what the job is, for the report: "lesson"
    path: Path
    key: str
    outputs: list[Path]  # the cache files that hold its results
    job: Job | None = None

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)

    def cached(self) -> bool:
        return all(out.is_file() for out in self.outputs)


# --- records, report and shards -------------------------------------------------------------


@dataclass
class Outcome:
    item: Item
    cached: bool
    seconds: float | None = None  # of the run that made the cached results
    peak_bytes: int | None = None
    notes: dict = field(default_factory=dict)

    def row(self) -> dict:
        return {
            "kind": self.item.kind,
            "name": self.item.name,
            "key": self.item.key[:32],
            "cached": self.cached,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "peak_mib": None if self.peak_bytes is None else round(self.peak_bytes / 2**20, 1),
        }


def _record_path(item: Item) -> Path:
    return RUNS / store.key_name(item.key)


def _read_record(item: Item) -> Outcome:
    outcome = Outcome(item, cached=True)
    record = store.read_json(_record_path(item), {})
    outcome.seconds, outcome.peak_bytes = record.get("seconds"), record.get("peak_bytes")
    return outcome


def recorded_seconds(cache_dir: Path | None = None) -> dict[str, float]:
    """Item name -> run time, from the reports in the cache (the full build's and the shards')."""
    found: dict[str, float] = {}
    for report in sorted((cache_dir or cache.CACHE_DIR).glob("execution*.json")):
        for row in store.read_json(report, {}).get("items", []):
            if row.get("seconds") is not None:
                found[row["name"]] = max(found.get(row["name"], 0.0), float(row["seconds"]))
    return found


def by_expected_time(items: list[Item], seconds: dict[str, float]) -> list[Item]:
    """``items`` longest first, by the run times recorded (``seconds``); an item never timed counts
    ``DEFAULT_SECONDS``. Among equals, the later item in the given order first: a later lesson runs
    what the earlier ones saved (``#@save``) and its own code, so on a fresh clone, where nothing
    was timed, the longest runs start first and none is left running alone at the end."""
    place = {id(item): i for i, item in enumerate(items)}
    return sorted(items, key=lambda item: (-seconds.get(item.name, DEFAULT_SECONDS), -place[id(item)]))


def plan(items: list[Item], shards: int, seconds: dict[str, float]) -> list[list[Item]]:
    """Deal the items to ``shards`` shards, longest first (``by_expected_time``), each to the least
    loaded shard."""
    expected = {item.name: seconds.get(item.name, DEFAULT_SECONDS) for item in items}
    ordered = by_expected_time(items, seconds)
    dealt: list[list[Item]] = [[] for _ in range(shards)]
    loads = [0.0] * shards
    for item in ordered:
        target = min(range(shards), key=lambda i: (loads[i], i))
        dealt[target].append(item)
        loads[target] += expected[item.name]
    return dealt


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, total = (int(part) for part in text.split("/"))
    except ValueError:
        raise ExecutionError(f"a shard is written I/N, like 1/4, not {text!r}") from None
    if not 1 <= index <= total:
        raise ExecutionError(f"shard {text}: I must be between 1 and N")
    return index, total


@dataclass
class Report:
    outcomes: list[Outcome]
    jobs: int
    threads: int
    cell_timeout: int
    wall_seconds: float
    shard: str | None = None

    def to_json(self) -> dict:
        return {
            "jobs": self.jobs,
            "threads_per_job": self.threads,
            "cell_timeout": self.cell_timeout,
            "shard": self.shard,
            "wall_seconds": round(self.wall_seconds, 3),
            "items": [o.row() for o in self.outcomes],
        }

    def markdown(self) -> str:
        """The report page: deterministic in everything but the measured figures."""
        executed = [o for o in self.outcomes if not o.cached]
        lines = [
            "---",
            "description: What the last build executed, how long each part took and how much memory it needed.",
            "search:",
            "  exclude: true",
            "---",
            "",
            "# Execution times",
            "",
            "For course authors: every notebook, figure module and lesson page whose code the build",
            "runs, with the run time and peak memory (resident set) of the run that made its",
            "results, and whether this build took them from the cache. Written by each build;",
            "see [Contributing](contributing.md#building-a-large-course).",
            "",
            f"This build executed {len(executed)} of {len(self.outcomes)} items, at most "
            f"{self.jobs} at once with {self.threads} torch thread(s) each, in "
            f"{self.wall_seconds:.1f} s; a notebook cell may run {self.cell_timeout} s.",
            "",
            "| item | kind | run time (s) | peak memory (MiB) | from the cache |",
            "| --- | --- | ---: | ---: | --- |",
        ]
        for outcome in sorted(self.outcomes, key=lambda o: (KINDS.index(o.item.kind), o.item.name)):
            row = outcome.row()
            secs = "" if row["seconds"] is None else f"{row['seconds']:.2f}"
            peak = "" if row["peak_mib"] is None else f"{row['peak_mib']:.0f}"
            lines.append(f"| `{row['name']}` | {row['kind']} | {secs} | {peak} | {'yes' if outcome.cached else 'no'} |")
        return "\n".join(lines) + "\n"


# --- running one item -----------------------------------------------------------------------


class Pool:
    """Runs items, at most ``size`` at once; starts no kernel once asked to stop (the kernels
    already running are shut down as their tasks are cancelled)."""

    def __init__(self, size: int, n_threads: int, csv_path: Path):
        self.size = size
        self.csv_path = Path(csv_path)
        self.kernel_env = job_env(n_threads, kernel=True)
        self.stopping = False
        self.workdir: Path | None = None  # set while the pool runs (``_run_all``)

    def stop(self) -> None:
        self.stopping = True

    async def notebook(self, item: Item, start_lock: asyncio.Lock) -> Outcome:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        job = item.job
        workdir = self.workdir
        nb = job.notebook()
        timeout = job.timeout()
        state = {"index": None, "peak": 0, "pid": None}

        def measure(**_):
            if state["pid"]:
                state["peak"] = max(state["peak"], peak_rss(state["pid"]))

        def on_cell_start(cell, cell_index=None, **_):
            state["index"] = cell_index
            measure()

        client = NotebookClient(
            nb, kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"), allow_errors=False,
            record_timing=True, timeout=timeout, shutdown_kernel="immediate",
            resources={"metadata": {"path": str(workdir)}},
            on_cell_start=on_cell_start, on_cell_executed=measure,
        )
        start = time.perf_counter()
        failure = None
        try:
            await self._start_kernel(client, item, start_lock)
            state["pid"] = kernel_pid(client)
            try:
                await client.async_execute()
            except CellTimeoutError:
                failure = (f"Lesson code timed out at {job.where(state['index'])}: it ran longer than "
                           f"{timeout} s (COURSE_CELL_TIMEOUT, or the lesson's cell_timeout in its front matter)")
            except DeadKernelError:
                failure = (f"Lesson kernel died at {job.where(state['index'])}: the kernel was killed "
                           "(out of memory?) while this block ran")
            except CellExecutionError as exc:
                error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', '')}".rstrip(": ")
                failure = f"Lesson code failed at {job.where(state['index'], str(exc))}: {error}"
        finally:
            await _discard_kernel(client)
        seconds = time.perf_counter() - start
        job.finish(nb, failure, state["index"])
        return Outcome(item, False, seconds, state["peak"] or None)

    async def _start_kernel(self, client, item: Item, start_lock: asyncio.Lock) -> None:
        """Start the notebook's kernel, one start at a time; try again if a start fails."""
        import asyncio

        for attempt in range(1, KERNEL_START_TRIES + 1):
            async with start_lock:
                if self.stopping:
                    raise asyncio.CancelledError()
                client.km = client.create_kernel_manager()
                try:
                    await client.async_start_new_kernel(env=self.kernel_env)
                    await client.async_start_new_kernel_client()
                    return
                except Exception as exc:
                    await _discard_kernel(client)
                    if attempt == KERNEL_START_TRIES:
                        raise ExecutionError(
                            f"Notebook {item.name}: its kernel did not start ({attempt} tries): {exc}"
                        ) from None
                    log.warning("Kernel of %s did not start (%s); trying again", item.name, exc)
            await asyncio.sleep(attempt)


async def _discard_kernel(client) -> None:
    """Stop the notebook's kernel and its channels, with jupyter_client's public API (a kernel
    already dead, or half started, leaves nothing to stop)."""
    km, kc = getattr(client, "km", None), getattr(client, "kc", None)
    client.km = client.kc = None
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        try:
            if await km.is_alive():
                await km.shutdown_kernel(now=True)
        except Exception:
            pass
        finally:
            await km.cleanup_resources()


def kernel_pid(client) -> int | None:
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def peak_rss(pid: int) -> int:
    """The peak resident set of a live process, in bytes (0 when it cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


# --- running many ---------------------------------------------------------------------------


def execute(csv_path: Path, items: list[Item], shard: str | None = None, report: bool = True) -> Report:
    """Execute every item (or shard ``I/N`` of them) whose results are not cached; report all
    (and, with ``report``, write the report into the cache)."""
    start = time.perf_counter()
    everything = items
    mine = everything
    if shard:
        index, total = parse_shard(shard)
        mine = plan(everything, total, recorded_seconds())[index - 1]
    n_jobs, n_threads = jobs(), threads()
    todo = [item for item in mine if not item.cached()]
    fresh: dict[str, Outcome] = {}
    if todo:
        import asyncio

        seconds = recorded_seconds()
        todo = by_expected_time(todo, seconds)
        for outcome in asyncio.run(_run_all(todo, n_jobs, n_threads, csv_path)):
            fresh[outcome.item.key] = outcome
            store.write_json(_record_path(outcome.item), {
                "kind": outcome.item.kind, "name": outcome.item.name,
                "seconds": round(outcome.seconds, 3), "peak_bytes": outcome.peak_bytes,
            })
    outcomes = [fresh.get(item.key) or _read_record(item) for item in mine]
    result = Report(outcomes, n_jobs, n_threads, cell_timeout(), time.perf_counter() - start, shard)
    if report:
        name = REPORT.name if not shard else f"execution-shard-{shard.replace('/', '-of-')}.json"
        store.write_json(REPORT.with_name(name), result.to_json())
        store.evict(RUNS, {item.key[:32] for item in everything})
    return result


async def _run_all(todo: list[Item], n_jobs: int, n_threads: int, csv_path: Path) -> list[Outcome]:
    import asyncio

    pool = Pool(n_jobs, n_threads, csv_path)
    slots = asyncio.Semaphore(n_jobs)
    start_lock = asyncio.Lock()

    async def one(item: Item) -> Outcome:
        async with slots:
            return await pool.notebook(item, start_lock)

    with data.scratch_folder("course-run-", csv_path) as pool.workdir:  # every kernel runs there
        return await _until_one_fails([asyncio.ensure_future(one(item)) for item in todo], pool)


async def _until_one_fails(tasks: list, pool: Pool) -> list[Outcome]:
    """The outcomes of every task; or, as soon as one fails, the others stopped and its error."""
    import asyncio

    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception() is not None]
    if failed:
        pool.stop()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        error = failed[0].exception()
        if isinstance(error, ExecutionError):
            raise ExecutionError(str(error)) from None
        raise error
    return [task.result() for task in tasks]


