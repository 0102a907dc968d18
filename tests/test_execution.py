"""The bounded pool's settings and the execution report (the faults only execution at scale meets,
a kernel that dies and a block that hangs, are in ``tests/test_faults.py``)."""

import json
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course import settings
from course.run import execution
from tests import scratch



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
    from course.run import cache, data, environment

    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    clean = {kernel: execution.job_env(1, kernel=kernel) for kernel in (False, True)}
    key = cache.key(Path(data.__file__))
    caller = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "7", "LC_ALL": "de_DE.UTF-8", "COLUMNS": "20",
              "PYTHONPATH": "/elsewhere", "MPLCONFIGDIR": "/elsewhere", "IPYTHONDIR": "/elsewhere",
              "OMP_NUM_THREADS": "8", "COURSE_URL": "http://elsewhere", "PYTHONWARNINGS": "error", "TZ": "EST",
              "MKL_CBWR": "AUTO", "ATEN_CPU_CAPABILITY": "avx512", "OPENBLAS_CORETYPE": "SapphireRapids"}
    for name, value in caller.items():
        monkeypatch.setenv(name, value)
    assert {kernel: execution.job_env(1, kernel=kernel) for kernel in (False, True)} == clean
    assert cache.key(Path(data.__file__)) == key
    assert clean[True]["MPLBACKEND"] == environment.INLINE_BACKEND  # figures stay in the notebook
    assert clean[False]["MPLBACKEND"] == "Agg" and clean[True]["PYTHONPATH"] == str(execution.ROOT)
    # The numeric code paths are the pool's, on every machine, whatever the caller asks for.
    for kernel in (False, True):
        assert settings.NUMERIC_PATHS.items() <= clean[kernel].items()
    # A machine fact that sizes the BLAS kernels' blocks is passed through, and keys the result.
    monkeypatch.setenv("OPENBLAS_L2_SIZE", "1048576")
    assert execution.job_env(1, kernel=True)["OPENBLAS_L2_SIZE"] == "1048576"
    assert cache.key(Path(data.__file__)) != key


def test_the_cell_timeout_has_a_default_an_override_and_a_lesson_setting(monkeypatch):
    from course.run import runs
    from tests import scratch

    job = runs.LessonRun(scratch.SMALL_COURSE / "docs" / "lessons" / "01-counting.md")
    monkeypatch.delenv("COURSE_CELL_TIMEOUT", raising=False)
    assert job.timeout() == settings.DEFAULT_CELL_TIMEOUT == 300
    monkeypatch.setenv("COURSE_CELL_TIMEOUT", "45")
    assert job.timeout() == 45
    job.lesson.text = job.lesson.text.replace("description: Count", "cell_timeout: 900\ndescription: Count")
    assert job.timeout() == 900


def test_the_report_page_differs_from_build_to_build_only_in_measured_figures():
    from course.run import runs

    items = runs.items()
    reports = [
        execution.Report([execution.Outcome(item, k % 2 == 0, scale * (k + 1), int(scale * 2**27))
                          for k, item in enumerate(items)], 2, 1, 300, 40.0 * scale)
        for scale in (1.0, 3.7)
    ]
    first, second = (report.markdown() for report in reports)
    assert first != second
    assert re.sub(r"\d+(\.\d+)?", "#", first) == re.sub(r"\d+(\.\d+)?", "#", second)
    assert [line.split("|")[1] for line in first.splitlines() if line.startswith("| `")] == [
        f" `{item.name}` " for item in items  # the lessons, by name
    ]


@pytest.mark.slow
def test_the_report_lists_every_item_with_its_time_and_memory(shared_build):
    from course.run import runs

    names = {item.name for item in runs.items()}
    kinds = {item.kind for item in runs.items()}
    assert kinds == {"lesson"} and len(names) == len(runs.items()) >= 6
    report = json.loads((shared_build.project / ".cache" / "build" / "execution.json").read_text())
    assert {row["name"] for row in report["items"]} == names
    for row in report["items"]:  # every lesson was measured where it ran (the tests ran it)
        assert row["seconds"] > 0 and row["peak_mib"] > 20 and row["cached"] is True, row
    assert report["jobs"] >= 1 and report["threads_per_job"] >= 1
    page = (shared_build.site / "execution-times" / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f"<code>{name}</code>" in page
    executed = sum(not row["cached"] for row in report["items"])
    assert f"This build executed {executed} of {len(names)} items" in page
    contributing = (shared_build.site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert 'href="../execution-times/"' in contributing
