"""The one store behind every cache of the build: atomic writes, reads, and eviction.

Every result the build keeps (a lesson's run, its rendered notebooks, the execution report, the
run-time records, the parsed imports of a file, a page's parsed Markdown) is a file under ``.cache/build``, named by its key.
A file is written at once (to a temporary name, then renamed), so that a reader, a parallel test
worker or a second shard, sees the old content or the new, never half of it; and what no key
names any more is evicted, so the cache holds one result per input.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def write(path: Path, content: bytes | str) -> None:
    """Write ``content`` to ``path`` at once."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    tmp.replace(path)


def write_json(path: Path, content, indent: int | None = 1) -> None:
    write(path, json.dumps(content, indent=indent, sort_keys=True) + "\n")


def read_json(path: Path, default=None):
    """The JSON at ``path``, or ``default`` where there is none (or it cannot be read)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def key_name(key: str, suffix: str = ".json") -> str:
    """The file name of a result stored under ``key``."""
    return f"{key[:32]}{suffix}"


def evict(folder: Path, keep: set[str], pattern: str = "*.json") -> None:
    """Remove the files of ``folder`` (matching ``pattern``) whose key, the part of their name
    before the first dot, is not in ``keep`` (keys as ``key_name`` shortens them)."""
    folder = Path(folder)
    if folder.is_dir():
        for stale in folder.glob(pattern):
            if stale.name.split(".")[0] not in keep:
                stale.unlink(missing_ok=True)


def keep_newest(folder: Path, kept: int, pattern: str = "*.json") -> None:
    """Keep the ``kept`` newest files of ``folder`` (matching ``pattern``), for a cache whose keys
    are not known in advance (an author's old drafts pile up); another process may be evicting at
    the same time."""
    stamped = []
    for found in Path(folder).glob(pattern):
        try:
            stamped.append((found.stat().st_mtime, found))
        except OSError:  # gone already
            continue
    for _, stale in sorted(stamped)[: max(0, len(stamped) - kept)]:
        stale.unlink(missing_ok=True)


def remembered(folder: Path, key: str, compute, kept: int = 400):
    """What ``compute()`` returns, kept in ``folder`` (pickled) under ``key``, which must name
    everything the result depends on: a later call with the same key reads it back instead of
    computing it again. The ``kept`` newest results stay."""
    import pickle

    path = Path(folder) / key_name(key, ".pickle")
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
        pass
    value = compute()
    write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    keep_newest(folder, kept, "*.pickle")
    return value
