"""The bounded pool's settings, the execution report, and the faults that only execution at scale
meets: a kernel that dies and a cell that hangs each stop the build, name the notebook and the
cell, keep the previous site, and never hang the build."""

import json
import re
import sys
import time

import nbformat
import pytest

from course import execution
from tests import scratch

NOTEBOOK = "lessons_src/01_deep_learning_fundamentals.py"
BEFORE_EXERCISES = "# %% [markdown]\n# ## Practice exercises"


def test_jobs_and_threads_come_from_the_cores_or_course_jobs(monkeypatch):
    monkeypatch.delenv("COURSE_JOBS", raising=False)
    assert execution.jobs() == execution.cores()
    assert execution.threads() == 1
    monkeypatch.setenv("COURSE_JOBS", "1")
    assert execution.jobs() == 1
    assert execution.threads() == 1  # outputs never depend on the threads a machine offers
    env = execution.job_env(execution.threads())
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1"
    for wrong in ("0", "two"):
        monkeypatch.setenv("COURSE_JOBS", wrong)
        with pytest.raises(execution.ExecutionError, match="COURSE_JOBS"):
            execution.jobs()


def test_a_job_environment_is_the_pools_not_the_callers(monkeypatch):
    """What a kernel or process of the pool sees is fixed by the pool: the same whoever starts the
    build (a shell, the test suite, a shard), so a result depends only on its cache key."""
    from course import cache, environment

    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    clean = {kernel: execution.job_env(1, kernel=kernel) for kernel in (False, True)}
    key = cache.key(execution.ROOT / "course" / "data.py")
    caller = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "7", "LC_ALL": "de_DE.UTF-8", "COLUMNS": "20",
              "PYTHONPATH": "/elsewhere", "MPLCONFIGDIR": "/elsewhere", "IPYTHONDIR": "/elsewhere",
              "OMP_NUM_THREADS": "8", "COURSE_URL": "http://elsewhere", "PYTHONWARNINGS": "error", "TZ": "EST"}
    for name, value in caller.items():
        monkeypatch.setenv(name, value)
    assert {kernel: execution.job_env(1, kernel=kernel) for kernel in (False, True)} == clean
    assert cache.key(execution.ROOT / "course" / "data.py") == key
    assert clean[True]["MPLBACKEND"] == environment.INLINE_BACKEND  # figures stay in the notebook
    assert clean[False]["MPLBACKEND"] == "Agg" and "PYTHONPATH" not in clean[True]
    # A machine fact that picks the BLAS kernels is passed through, and keys the result.
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert execution.job_env(1, kernel=True)["OPENBLAS_CORETYPE"] == "Haswell"
    assert cache.key(execution.ROOT / "course" / "data.py") != key


def test_the_cell_timeout_has_a_default_an_override_and_a_notebook_setting(monkeypatch):
    nb = nbformat.v4.new_notebook()
    monkeypatch.delenv("COURSE_CELL_TIMEOUT", raising=False)
    assert execution.notebook_timeout(nb) == execution.DEFAULT_CELL_TIMEOUT == 300
    monkeypatch.setenv("COURSE_CELL_TIMEOUT", "45")
    assert execution.notebook_timeout(nb) == 45
    nb.metadata["execution"] = {"timeout": 900}
    assert execution.notebook_timeout(nb) == 900


def test_the_report_page_differs_from_build_to_build_only_in_measured_figures():
    items = execution.all_items()
    reports = [
        execution.Report([execution.Outcome(item, k % 2 == 0, scale * (k + 1), int(scale * 2**27))
                          for k, item in enumerate(items)], 2, 1, 300, 40.0 * scale)
        for scale in (1.0, 3.7)
    ]
    first, second = (report.markdown() for report in reports)
    assert first != second
    assert re.sub(r"\d+(\.\d+)?", "#", first) == re.sub(r"\d+(\.\d+)?", "#", second)
    assert [line.split("|")[1] for line in first.splitlines() if line.startswith("| `")] == [
        f" `{item.name}` " for item in items  # notebooks, figure modules, pages; by name
    ]


@pytest.mark.slow
def test_the_report_lists_every_item_with_its_time_and_memory(shared_build):
    names = {item.name for item in execution.all_items()}
    kinds = {item.kind for item in execution.all_items()}
    assert kinds == {"notebook", "figures", "page"}
    report = json.loads((shared_build.project / ".cache" / "build" / "execution.json").read_text())
    assert {row["name"] for row in report["items"]} == names
    for row in report["items"]:  # every item was measured where it ran
        assert row["seconds"] > 0 and row["peak_mib"] > 20, row
        if row["kind"] == "figures":  # the cold build drew them (the tests ran the pages and notebooks)
            assert row["cached"] is False, row
    assert report["jobs"] >= 1 and report["threads_per_job"] >= 1
    page = (shared_build.site / "execution-times" / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f"<code>{name}</code>" in page
    executed = sum(not row["cached"] for row in report["items"])
    assert f"This build executed {executed} of {len(names)} items" in page
    contributing = (shared_build.site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert 'href="../execution-times/"' in contributing


@pytest.fixture
def project(tmp_path, shared_build):
    project = scratch.scratch_copy(tmp_path / "project", warm_cache=True, cache_from=shared_build.project)
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("the previous, good build")
    return project


line_of = scratch.line_of


def make_build(project, **env):
    start = time.perf_counter()
    result = scratch.run(["make", "build", f"BIN={sys.prefix}/bin", "STAMP="], project, env=env, timeout=240)
    return result, time.perf_counter() - start


@pytest.mark.slow
def test_a_kernel_that_dies_fails_the_build_and_names_the_cell(project):
    scratch.edit(project / NOTEBOOK, BEFORE_EXERCISES,
                 "# %%\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n\n" + BEFORE_EXERCISES)
    result, seconds = make_build(project)
    assert result.returncode != 0
    line = line_of(project / NOTEBOOK, "import os, signal")
    assert f"Notebook kernel died at {NOTEBOOK}:{line}: the kernel was killed (out of memory?)" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"
    assert seconds < 120, f"the build took {seconds:.0f} s to give up"


@pytest.mark.slow
def test_a_hung_cell_times_out_and_names_the_cell(project):
    source = project / NOTEBOOK
    scratch.edit(source, "# jupyter:\n", "# jupyter:\n#   execution:\n#     timeout: 3\n")
    scratch.edit(source, BEFORE_EXERCISES, "# %%\nimport time\ntime.sleep(600)\n\n" + BEFORE_EXERCISES)
    result, seconds = make_build(project)
    assert result.returncode != 0
    line = line_of(source, "import time")
    assert f"Notebook cell timed out at {NOTEBOOK}:{line}: it ran longer than 3 s" in result.output
    assert (project / "site" / "index.html").read_text() == "the previous, good build"
    assert seconds < 120, f"the build took {seconds:.0f} s to give up"
