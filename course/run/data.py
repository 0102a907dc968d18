"""Locate the course dataset and verify it before anything uses it.

Order of places searched:

1. the folder named by the environment variable ``IPO_DATA_DIR``;
2. ``../shared/data`` beside the project, when that folder exists;
3. a download from the course URL into ``.cache/data`` (pooch checks the hash).

Whatever is found must have the published sha256; anything else raises
:class:`DatasetError` with one message that says what was expected and where
to get the file.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import shutil
import tempfile
from pathlib import Path

from course import ROOT, settings

FILENAME = "indian_ipo.csv"
URL = "https://datatweets.com/datasets/indian_ipo.csv"
SHA256 = "2d0e03960717b9bd7bf7bbaf6be0b70d1f3628713641a6eecefee8beb8199bdd"
COLUMNS = [
    "Date",
    "IPOName",
    "Issue_Size",
    "Subscription_QIB",
    "Subscription_HNI",
    "Subscription_RII",
    "Subscription_Total",
    "Issue_Price",
    "Listing_Gains_Percent",
    "Listing_Gains",
]
ROWS = 319
ENV_VAR = settings.DATA_VARIABLE
SHARED_DIR = ROOT.parent / "shared" / "data"
DOWNLOAD_DIR = ROOT / ".cache" / "data"


class DatasetError(RuntimeError):
    """The dataset is missing or is not the published file."""


def _how_to_fix() -> str:
    return (
        f"Expected {FILENAME}: {ROWS} rows x {len(COLUMNS)} columns, sha256 {SHA256}.\n"
        f"Get it from {URL} and either put the folder that holds it in ${ENV_VAR}, "
        f"or place it in {SHARED_DIR}."
    )


def _describe(path: Path) -> str:
    """Say how a file differs from the dataset, in terms a person can act on."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        return f"it cannot be read as CSV text ({exc})"
    if not rows:
        return "it is empty"
    header, body = rows[0], rows[1:]
    problems = []
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if extra:
            detail.append("unexpected " + ", ".join(extra))
        problems.append("its columns differ (" + ("; ".join(detail) or "order") + ")")
    if len(body) != ROWS:
        problems.append(f"it has {len(body)} rows instead of {ROWS}")
    if not problems:
        problems.append("its contents differ from the published file")
    return " and ".join(problems)


def verify(path: Path) -> Path:
    """Return ``path`` if it is the published dataset, else raise DatasetError."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Dataset not found: {path} does not exist.\n{_how_to_fix()}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise DatasetError(
            f"Dataset rejected: {path} is not the course's {FILENAME}: {_describe(path)} "
            f"(sha256 {digest}).\n{_how_to_fix()}"
        )
    return path


def _download() -> Path:
    import pooch

    try:
        fetched = pooch.retrieve(
            URL,
            known_hash=f"sha256:{SHA256}",
            fname=FILENAME,
            path=DOWNLOAD_DIR,
            progressbar=False,
        )
    except Exception as exc:  # network errors and hash mismatches alike
        raise DatasetError(
            f"Dataset not found locally and the download failed: {exc}\n{_how_to_fix()}"
        ) from None
    return Path(fetched)


def dataset_path() -> Path:
    """Find the dataset, verify its hash, and return its path."""
    env_dir = settings.current().data_dir
    if env_dir:
        return verify(env_dir / FILENAME)
    if SHARED_DIR.is_dir():
        return verify(SHARED_DIR / FILENAME)
    cached = DOWNLOAD_DIR / FILENAME
    if cached.is_file():
        return verify(cached)
    return verify(_download())


def load():
    """The verified dataset as a pandas DataFrame."""
    import pandas as pd

    return pd.read_csv(dataset_path())


@contextlib.contextmanager
def scratch_folder(prefix: str = "course-", csv_path: Path | None = None):
    """A scratch folder holding a copy of the verified dataset (``pd.read_csv("indian_ipo.csv")``
    works there, as on a reader's machine), removed afterwards: where lessons run."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        shutil.copyfile(csv_path or dataset_path(), folder / FILENAME)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
