"""Where a published course lives, and the notebooks it publishes for hosted notebook services.

One source, ``mkdocs.yml``: ``site_url`` (the published site's address) and, under ``extra``,
``repository`` (the GitHub repository, ``owner/name``) and ``notebooks_branch``. The workflow
sets the first two from its GitHub context (``COURSE_SITE_URL``, ``COURSE_REPOSITORY``); a local
build leaves them empty. With a repository, every lesson and notebook page links to "Open in
Colab", which opens the generated notebook from the repository's notebooks branch; the workflow
fills that branch with what ``published`` lists (``python -m course.render.hosted SITE DIR``, which
prints the branch's name). Without one, no such link is shown.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import ROOT

MKDOCS_YML = ROOT / "mkdocs.yml"
COLAB = "https://colab.research.google.com/github"


@dataclass(frozen=True)
class Publication:
    site_url: str  # "" when the build does not know where it is published
    repository: str  # "owner/name" on GitHub, "" when unknown
    notebooks_branch: str

    def colab_url(self, notebook: str) -> str | None:
        """The "Open in Colab" address of ``notebook`` (its name, without ``.ipynb``), if any."""
        if not self.repository:
            return None
        return f"{COLAB}/{self.repository}/blob/{self.notebooks_branch}/{notebook}.ipynb"


def mkdocs_settings(config: Path = MKDOCS_YML) -> dict:
    """``mkdocs.yml`` as MkDocs reads it (its ``!ENV`` values resolved), for the course's code."""
    import copy
    import os

    # read once per text of mkdocs.yml and environment (its !ENV values come from there)
    return copy.deepcopy(_settings(Path(config).read_text(encoding="utf-8"), tuple(sorted(os.environ.items()))))


@lru_cache(maxsize=8)
def _settings(text: str, _environment: tuple) -> dict:
    from mkdocs.utils.yaml import yaml_load

    return yaml_load(text) or {}


@lru_cache(maxsize=None)
def publication(config: Path = MKDOCS_YML) -> Publication:
    """Where the course is published, from ``mkdocs.yml``."""
    settings = mkdocs_settings(config)
    extra = settings.get("extra") or {}
    return Publication(
        site_url=(settings.get("site_url") or "").rstrip("/"),
        repository=(extra.get("repository") or "").strip("/"),
        notebooks_branch=extra.get("notebooks_branch") or "notebooks",
    )


def published(site: Path) -> dict[str, Path]:
    """What the notebooks branch holds: ``NAME.ipynb`` -> the built site's download of it."""
    return {path.name: path for path in sorted(Path(site).glob("notebooks/*/*.ipynb"))
            if path.parent.name == path.stem}


def main(argv: list[str]) -> int:
    """``python -m course.render.hosted SITE DIR``: put the notebooks branch's files into DIR (emptied
    first) and print the branch's name."""
    site, out = (Path(a) for a in argv)
    files = published(site)
    if not files:
        print(f"{site} has no notebooks to publish", file=sys.stderr)
        return 1
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, path in files.items():
        shutil.copyfile(path, out / name)
    print(publication().notebooks_branch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
