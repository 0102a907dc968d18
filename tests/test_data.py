"""The dataset is found, verified, and rejected with one clear message when it is wrong."""

import csv
import os
import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from course import ROOT
from course.run import data
from tests.helpers import serve

SHARED_CSV = data.dataset_path()


def write_copy(folder: Path, transform=lambda rows: rows) -> Path:
    rows = list(csv.reader(SHARED_CSV.open(newline="", encoding="utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / data.FILENAME
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(transform(rows))
    return target


@pytest.fixture
def no_shared(monkeypatch, tmp_path):
    """As on a machine with neither $IPO_DATA_DIR nor ../shared/data."""
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setattr(data, "SHARED_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(data, "DOWNLOAD_DIR", tmp_path / "downloads")


def test_the_dataset_has_the_published_facts():
    df = data.load()
    assert df.shape == (319, 10)
    assert list(df.columns) == data.COLUMNS
    assert int(df.isna().sum().sum()) == 0
    assert df["Listing_Gains"].value_counts().to_dict() == {1: 174, 0: 145}
    assert round(df["Listing_Gains"].mean(), 3) == 0.545


def test_env_var_wins(monkeypatch, tmp_path):
    copy = tmp_path / "elsewhere" / data.FILENAME
    copy.parent.mkdir()
    copy.write_bytes(SHARED_CSV.read_bytes())
    monkeypatch.setenv(data.ENV_VAR, str(copy.parent))
    assert data.dataset_path() == copy


def test_one_row_removed_is_rejected_clearly(monkeypatch, tmp_path):
    write_copy(tmp_path, lambda rows: rows[:-1])
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(data.DatasetError) as err:
        data.dataset_path()
    message = str(err.value)
    assert "318 rows instead of 319" in message
    assert data.SHA256 in message and data.URL in message and data.ENV_VAR in message


def test_wrong_columns_are_named(monkeypatch, tmp_path):
    write_copy(tmp_path, lambda rows: [[c for i, c in enumerate(r) if i != 3] for r in rows])
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(data.DatasetError, match="missing Subscription_QIB"):
        data.dataset_path()


def test_a_changed_value_is_caught_by_the_hash(monkeypatch, tmp_path):
    def bump(rows):
        rows[5][-1] = "1" if rows[5][-1] == "0" else "0"
        return rows

    write_copy(tmp_path, bump)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(data.DatasetError, match="contents differ from the published file"):
        data.dataset_path()


def test_missing_file_says_where_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(data.DatasetError, match="Dataset not found") as err:
        data.dataset_path()
    assert data.URL in str(err.value)


@pytest.fixture
def local_server(tmp_path):
    """A throwaway HTTP server on 127.0.0.1 standing in for the course URL."""
    root = tmp_path / "served"
    root.mkdir()
    with serve(root) as url:
        yield root, f"{url}/{data.FILENAME}"


def test_download_when_nothing_local(no_shared, local_server, monkeypatch):
    root, url = local_server
    (root / data.FILENAME).write_bytes(SHARED_CSV.read_bytes())
    monkeypatch.setattr(data, "URL", url)
    path = data.dataset_path()
    assert path == data.DOWNLOAD_DIR / data.FILENAME
    assert path.read_bytes() == SHARED_CSV.read_bytes()


def test_download_of_a_wrong_file_is_rejected(no_shared, local_server, monkeypatch):
    root, url = local_server
    write_copy(root, lambda rows: rows[:-1])
    monkeypatch.setattr(data, "URL", url)
    with pytest.raises(data.DatasetError, match="download failed"):
        data.dataset_path()
    assert not (data.DOWNLOAD_DIR / data.FILENAME).exists()


def test_unreachable_download_is_a_clear_error(no_shared, monkeypatch):
    monkeypatch.setattr(data, "URL", "http://127.0.0.1:9/indian_ipo.csv")
    with pytest.raises(data.DatasetError, match="download failed"):
        data.dataset_path()


def test_the_test_run_stops_with_the_data_error(tmp_path):
    """A bad dataset stops `pytest` at once with the message, not with 40 tracebacks."""
    write_copy(tmp_path, lambda rows: rows[:-1])
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "docs/lessons/01-deep-learning-fundamentals.md"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, data.ENV_VAR: str(tmp_path)},
    )
    assert result.returncode == 3
    assert "318 rows instead of 319" in result.stdout + result.stderr
