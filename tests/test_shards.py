"""Shards: each executes its share into its own cache; the merged caches build the same site.

The small course (``tests/small_course``) is executed from empty caches as two shards (``python
-m course.run.runs --shard 1/2`` and ``2/2``) in two scratch projects; their ``.cache/build``
folders are copied into a third, which is built. That build must execute nothing and give the site
that a one-machine cold build of the same course gives, byte for byte, but for what a build
measures (its execution report, the lessons' time estimates): two clean builds, the same bytes.
"""

import json
import re
from pathlib import Path

import pytest

from course.run import execution
from course.run.execution import Item
from tests import scratch

pytestmark = pytest.mark.slow


def executed_by(shard_project: Path, index: int) -> set[str]:
    report = shard_project / ".cache" / "build" / f"execution-shard-{index}-of-2.json"
    rows = json.loads(report.read_text(encoding="utf-8"))["items"]
    return {row["name"] for row in rows if not row["cached"]}


def test_each_item_is_executed_by_exactly_one_shard(sharded_build):
    first, second = (executed_by(project, i) for i, project in enumerate(sharded_build.shards, 1))
    everything = {"docs/lessons/01-counting.md", "docs/lessons/02-scoring.md"}
    assert first and second
    assert first.isdisjoint(second)
    assert first | second == everything
    for log in sharded_build.shard_logs:
        assert "Ran lesson docs/lessons/" in log


def test_the_merged_caches_build_without_executing_anything(sharded_build):
    assert scratch.executions(sharded_build.log) == []
    assert len(scratch.executions(sharded_build.one_machine_log)) == 2


# What a build measures rather than computes: the execution report (its own page), and the time
# estimate under each lesson's title (from how long the page's code ran; course.render.learner).
MEASURED_TIME = re.compile(
    rb"About [0-9,]+ minutes: [0-9,]+ words of text and code to read, and code that runs in "
    rb"[^.<\"]*? on the machine that built this page\."
)


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the execution report, byte for byte, with the lessons'
    measured time estimates masked wherever they appear (page, print page, search index)."""
    return {
        str(p.relative_to(site)): MEASURED_TIME.sub(b"(measured)", p.read_bytes())
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).parts[0] != "execution-times"
    }


def test_the_masked_time_estimates_are_the_only_ones(shared_build):
    lesson = (shared_build.site / "lessons" / "01-deep-learning-fundamentals" / "index.html").read_bytes()
    assert len(MEASURED_TIME.findall(lesson)) == 1


def test_the_merged_build_is_byte_identical_to_the_one_machine_build(sharded_build):
    one_machine = site_files(sharded_build.one_machine)
    merged = site_files(sharded_build.site)
    images = scratch.notebook_images(sharded_build.site)  # a site with figures, not two without
    assert len(images) == 2 and all(images.values()), images
    figures = sorted(str(p.relative_to(sharded_build.site)) for p in (sharded_build.site / "figures").rglob("*.svg"))
    assert figures == ["figures/01-counting/gains-dark.svg", "figures/01-counting/gains-light.svg",
                       "figures/02-scoring/rule-dark.svg", "figures/02-scoring/rule-light.svg"]
    assert sorted(one_machine) == sorted(merged)
    assert [name for name in one_machine if one_machine[name] != merged[name]] == []
    report = (sharded_build.site / "execution-times" / "index.html").read_text(encoding="utf-8")
    assert "This build executed 0 of" in report


def test_items_are_dealt_longest_first_to_the_least_loaded_shard():
    seconds = {"lessons_src/a": 1.0, "lessons_src/b": 9.0, "lessons_src/c": 5.0, "lessons_src/d": 4.0}
    items = [Item("lesson", execution.ROOT / "lessons_src" / n, n * 4, []) for n in "abcde"]
    dealt = execution.plan(items, 2, seconds)
    names = [[item.path.name for item in shard] for shard in dealt]
    # e is unknown: it counts DEFAULT_SECONDS (20) and goes first, then b, c, d, a.
    assert names == [["e"], ["b", "c", "d", "a"]]
    assert execution.plan(items, 2, seconds) == dealt  # every shard computes the same plan
    assert sorted(i.path.name for shard in execution.plan(items, 3, {}) for i in shard) == list("abcde")


def test_items_never_timed_start_later_first():
    """On a fresh clone nothing was timed: the later lessons, which run the earlier ones' saved
    code and their own, start first, so that no long one is left running alone at the end."""
    items = [Item("lesson", execution.ROOT / "lessons_src" / n, n * 4, []) for n in "abcd"]
    assert [item.path.name for item in execution.by_expected_time(items, {})] == ["d", "c", "b", "a"]
    assert [item.path.name for item in execution.by_expected_time(items, {"lessons_src/b": 99.0})] == ["b", "d", "c", "a"]
    assert [[item.path.name for item in shard] for shard in execution.plan(items, 2, {})] == [["d", "b"], ["c", "a"]]


@pytest.mark.parametrize("text", ["3/2", "0/2", "1", "a/b"])
def test_a_wrong_shard_is_refused(text):
    with pytest.raises(execution.ExecutionError, match="shard"):
        execution.parse_shard(text)
