"""Fixtures shared by the tests: one built site for the whole run, even with parallel workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from course import ROOT
from tests import scratch


def mkdocs_build(site_dir: Path, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` into ``site_dir``; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


@dataclass(frozen=True)
class Build:
    """A cold build of a scratch copy of the project: read it, never change it (copy it first)."""

    project: Path  # with its warm .cache/
    site: Path
    log: str  # what the cold build printed


def shared_dir(tmp_path_factory) -> Path:
    """A folder all the workers of this run share (the run's own when it has no workers, with
    pytest-xdist or without it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def lesson_runs() -> dict[Path, dict]:
    """Every lesson's one run, as the build makes it: run in the build's pool into this project's
    build cache once per test run, whatever the workers (the page tests read the same runs)."""
    from course.read import source
    from course.run import data, runs

    every = source.pages()
    done = {page: runs.run_for_tests(page, data.dataset_path(), among=every) for page in every}
    failed = [run["failed"]["error"] for run in done.values() if run.get("failed")]
    assert not failed, "\n".join(failed)
    return done


def runs_into(project: Path) -> None:
    """Give a scratch project this project's lesson runs (and their time records): what the
    tests have run already."""
    import shutil

    from course.run import execution, runs

    for item in runs.items():
        for path in [*item.outputs, execution.RUNS / f"{item.key[:32]}.json"]:
            if path.is_file():
                target = project / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory, lesson_runs) -> Build:
    """The whole site, built with --strict once per test run, whatever the workers: from cold,
    except for the lessons' runs, which the tests have made once already (the course runs once per
    test session).

    The first worker that needs it builds it; the others wait for that build and read it.
    """
    from filelock import FileLock

    folder = shared_dir(tmp_path_factory) / "shared-build"
    done = folder / "result.json"
    with FileLock(str(folder) + ".lock"):
        if not done.is_file():
            project = scratch.scratch_copy(folder / "project")
            runs_into(project)
            result = scratch.build(project)
            (folder / "build.log").write_text(result.output, encoding="utf-8")
            done.write_text(json.dumps({"returncode": result.returncode}), encoding="utf-8")
    log = (folder / "build.log").read_text(encoding="utf-8")
    assert json.loads(done.read_text())["returncode"] == 0, f"mkdocs build failed:\n{log}"
    return Build(folder / "project", folder / "project" / "site", log)


@pytest.fixture(scope="session")
def small_built(tmp_path_factory) -> Build:
    """The small course (``tests/small_course``) built from cold on one machine, once per test
    run, as from an author's shell: what the shard test compares its merged site with, and the
    warm cache the fault tests start from (each fault then runs only the lesson it changes)."""
    from filelock import FileLock

    folder = shared_dir(tmp_path_factory) / "small-course"
    done = folder / "result.json"
    with FileLock(str(folder) + ".lock"):
        if not done.is_file():
            result = scratch.build(scratch.small_course(folder / "project"), as_from_a_shell=True)
            (folder / "build.log").write_text(result.output, encoding="utf-8")
            done.write_text(json.dumps({"returncode": result.returncode}), encoding="utf-8")
    log = (folder / "build.log").read_text(encoding="utf-8")
    assert json.loads(done.read_text())["returncode"] == 0, f"the small course's build failed:\n{log}"
    return Build(folder / "project", folder / "project" / "site", log)


@dataclass(frozen=True)
class ShardedBuild:
    """The small course (``tests/small_course``) executed from empty caches as two shards, each in
    its own scratch project, then their caches copied into a third project and built there; and the
    same course built on one machine from cold (``small_built``), to compare with."""

    shards: list[Path]  # the shards' projects, shard 1 first
    shard_logs: list[str]
    project: Path  # the merged one
    site: Path
    log: str  # what the merged build printed
    one_machine: Path  # the site of the same course built on one machine from cold
    one_machine_log: str


@pytest.fixture(scope="session")
def sharded_build(tmp_path_factory, small_built) -> ShardedBuild:
    """Two shards of the small course (``make execute SHARD=1/2``, then ``2/2``, each in a project
    and cache of its own, as on two machines), their caches merged by copying, and ``mkdocs build
    --strict`` on the merge, to compare with the one-machine cold build of the same course
    (``small_built``); run as from an author's shell, not with the test process's own settings."""
    import shutil

    from filelock import FileLock

    folder = shared_dir(tmp_path_factory) / "sharded-build"
    shards = [folder / "shard-1" / "project", folder / "shard-2" / "project"]
    merged = folder / "merged" / "project"
    done = folder / "result.json"
    with FileLock(str(folder) + ".lock"):
        if not done.is_file():
            results: dict[int, subprocess.CompletedProcess] = {}
            for index in (1, 2):
                project = scratch.small_course(shards[index - 1])
                results[index] = scratch.run(  # as an author's `make execute` would
                    [sys.executable, "-m", "course.run.runs", "--shard", f"{index}/2"], project,
                    as_from_a_shell=True,
                )
            scratch.small_course(merged)
            for shard in shards:
                shutil.copytree(shard / ".cache" / "build", merged / ".cache" / "build", dirs_exist_ok=True)
            build = scratch.build(merged, as_from_a_shell=True)
            for index, result in results.items():
                (folder / f"shard-{index}.log").write_text(result.output, encoding="utf-8")
            (folder / "build.log").write_text(build.output, encoding="utf-8")
            codes = {f"shard {i}": results[i].returncode for i in (1, 2)} | {"merged build": build.returncode}
            done.write_text(json.dumps(codes), encoding="utf-8")
    logs = [(folder / f"shard-{i}.log").read_text(encoding="utf-8") for i in (1, 2)]
    log = (folder / "build.log").read_text(encoding="utf-8")
    codes = json.loads(done.read_text())
    assert set(codes.values()) == {0}, f"{codes}\n" + "\n".join(logs + [log])
    return ShardedBuild(shards, logs, merged, merged / "site", log, small_built.site, small_built.log)


@pytest.fixture(scope="session")
def built_site(shared_build) -> Path:
    """The whole site, built once per test run with --strict."""
    return shared_build.site


def pytest_collection_modifyitems(config, items):
    """The longest single tests first, so that no worker is left running one while the other has
    nothing to do: the lessons' scrambled runs (half a minute each for Lessons 5 and 6; they need
    no build), the later lessons first, since they run the most code. Then the tests behind the
    run's two builds (the sharded one, then the shared one), so that the builds overlap the rest
    of the work instead of ending the run. Otherwise (and within a module) the order stays as
    collected."""

    scrambled = sorted({item.callspec.params["page"].name for item in items if scrambled_run(item)})

    def weight(item) -> tuple[int, int]:
        if scrambled_run(item):  # later lessons first
            return -1, -scrambled.index(item.callspec.params["page"].name)
        names = getattr(item, "fixturenames", ())
        return (0 if "sharded_build" in names or "small_built" in names
                else 1 if "shared_build" in names or "built_site" in names else 2), 0

    items.sort(key=weight)


def scrambled_run(item) -> bool:
    """Is ``item`` a lesson's run on scrambled test rows (``tests/test_test_rows.py``)?"""
    return item.path.name == "test_test_rows.py" and "page" in getattr(getattr(item, "callspec", None), "params", {})


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test drew, so that they do not pile up over the test session."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def project(tmp_path, small_built):
    """A scratch copy of the small course that starts warm from its one cold build: a test that
    changes one of its lessons runs that lesson only."""
    from tests import scratch

    return scratch.small_course(tmp_path / "project", warm_cache=True, cache_from=small_built.project)
