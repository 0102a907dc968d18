"""Keys for everything the build executes, from everything the result depends on.

A figure or an executed notebook depends on its own code, the local modules that code imports
(followed recursively), the dataset, and the versions of the libraries whose numbers it prints.
Its key hashes all of those, so an unchanged input reuses the stored result and any change to
one of them re-executes exactly the artifacts that depend on it.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import platform
from functools import lru_cache
from pathlib import Path

from course import ROOT, settings

CACHE_DIR = settings.CACHE_DIR
LIBRARIES = settings.KEYED_LIBRARIES


@lru_cache(maxsize=None)
def library_versions(extra: tuple[str, ...] = ()) -> str:
    names = LIBRARIES + extra
    python = f"python=={platform.python_version()};"
    return python + ";".join(f"{name}=={importlib.metadata.version(name)}" for name in names)


def _module_file(dotted: str) -> Path | None:
    """The file of a module of this project (``course.run.data`` -> ``course/run/data.py``), else None."""
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


IMPORTS = CACHE_DIR / "imports.json"  # a file's content hash -> the project files it imports


def _imported_files(path: Path) -> set[Path]:
    stat = path.stat()
    return set(_imported_files_of_version(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=1)
def _stored_imports() -> dict[str, list[str]]:
    from course.run import store

    return store.read_json(IMPORTS, {})


@lru_cache(maxsize=None)
def _imported_files_of_version(path: Path, _mtime_ns: int, _size: int) -> frozenset[Path]:
    """The project files ``path`` imports: parsed once per content of the file, ever (the lists
    are kept in the build cache, so a warm build parses nothing)."""
    source = path.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:32]
    stored = _stored_imports()
    if digest not in stored:
        if len(stored) > 2000:  # old versions of files pile up as authors edit: start afresh
            stored.clear()
        stored[digest] = sorted(str(p.relative_to(ROOT)) for p in _parse_imports(path, source))
        from course.run import store

        store.write_json(IMPORTS, stored, indent=None)
    return frozenset(ROOT / name for name in stored[digest])


def _parse_imports(path: Path, source: bytes) -> set[Path]:
    tree = ast.parse(source, filename=str(path))
    found: set[Path] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            for i in range(1, len(parts) + 1):  # a package's __init__ runs too
                file = _module_file(".".join(parts[:i]))
                if file:
                    found.add(file)
    found.discard(path)
    return found


def local_dependencies(path: Path) -> list[Path]:
    """Project files that importing ``path`` executes, recursively, sorted."""
    seen: set[Path] = set()
    todo = [Path(path)]
    while todo:
        for dep in _imported_files(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return sorted(seen)


def key(path: Path, *extra: str, source: bytes | None = None) -> str:
    """The cache key of an artifact made by running ``path`` (or ``source``, a variant of it)."""
    from course.run import data, environment

    digest = hashlib.sha256()
    digest.update((source if source is not None else Path(path).read_bytes()))
    for dep in local_dependencies(path):
        digest.update(str(dep.relative_to(ROOT)).encode() + b"\0" + dep.read_bytes())
    digest.update(data.SHA256.encode())
    digest.update(library_versions().encode())
    digest.update(environment.fingerprint().encode())  # how jobs run, and what they inherit
    for item in extra:
        digest.update(b"\0" + item.encode())
    return digest.hexdigest()
