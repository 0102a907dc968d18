"""The CI workflow: actionlint finds nothing wrong in it, and it is the sharded build it claims.

actionlint comes with the project's pinned packages (a wheel that carries the binary), so this
check runs offline like every other test.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from course import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert found, "actionlint is not installed: `make setup` installs it from constraints.txt"
    return found


def lint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint(), "-color=false", *map(str, files)], cwd=ROOT, capture_output=True, text=True)


def test_actionlint_finds_nothing_wrong_in_the_workflows():
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    assert files
    result = lint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = (WORKFLOWS / "site.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("${{ matrix.shard }}/${{ strategy.job-total }}", "${{ matrix.shards }}/4"))
    result = lint(broken)
    assert result.returncode != 0 and "matrix.shards" in result.stdout


def test_the_workflow_executes_shards_merges_them_builds_tests_and_publishes():
    flow = yaml.safe_load((WORKFLOWS / "site.yml").read_text(encoding="utf-8"))
    jobs = flow["jobs"]
    execute, build, deploy = jobs["execute"], jobs["build"], jobs["deploy"]
    assert len(execute["strategy"]["matrix"]["shard"]) >= 2
    runs = [step.get("run", "") for step in execute["steps"]]
    assert "make execute SHARD=${{ matrix.shard }}/${{ strategy.job-total }}" in runs
    uses = {step.get("uses", "").split("@")[0]: step for step in execute["steps"]}
    assert uses["actions/upload-artifact"]["with"]["path"] == ".cache/build"
    assert build["needs"] == "execute"
    merge = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert merge["with"]["merge-multiple"] is True and merge["with"]["path"] == ".cache/build"
    runs = [step.get("run", "") for step in build["steps"]]
    assert "make build" in runs and "make test" in runs
    assert execute["container"] == build["container"]  # one platform: cache entries stay valid
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
