"""The prediction cache on a full disk, at a path that is a file, or over a
folder: one true line with the fix; a run goes on without the cache (it only
saves time) and writes everything it would have written."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cache import CacheError, PredictionCache
from bench.cache.store import DB_NAME
from bench.cli import main as cli_main

BODIES = [
    "The city council approved a new budget on Monday. Schools get more money. Roads will be repaired.",
    "A storm closed the harbour for two days. Ferries were cancelled. Shops ran short of bread.",
    "The museum reopened after a long restoration. Visitors queued from dawn. Tickets sold out by noon.",
]


def seeds(folder: Path) -> Path:
    folder.mkdir()
    for i, body in enumerate(BODIES):
        first = body.split(".")[0]
        (folder / f"a{i}.txt").write_text(f"{first}\n{first} today.\n{body}\n", encoding="utf-8")
    return folder


def config(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(f"name: t\ndataset: {{source: {seeds(tmp_path / 'seeds')}}}\n"
                    "summarizers: [{name: lead-1, type: lead}, {name: random, type: random}]\n"
                    "scoring: {bootstrap: 20}\n", encoding="utf-8")
    return path


def run_files(runs: Path) -> dict[str, bytes]:
    (run,) = runs.glob("t-*")
    return {name: (run / name).read_bytes() for name in ("predictions.jsonl", "scores.jsonl")}


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# -- a full disk ---------------------------------------------------------------

def test_a_full_database_says_the_disk_is_full_not_cannot_rollback(tmp_path: Path) -> None:
    """SQLite ends the transaction itself when the disk fills; rolling back again hid the real error."""
    with PredictionCache(tmp_path) as cache:
        cache.put_many([("kept", "a prediction made earlier")], "lead")
        cache.conn.execute("PRAGMA max_page_count=8")  # the database cannot grow: as on a full disk
        with pytest.raises(CacheError) as caught:
            cache.put_many([(f"k{i}", "x" * 2000) for i in range(40)], "lead")
        assert caught.value.kind == "full" and "cannot rollback" not in str(caught.value)
        assert str(caught.value).startswith(f"the disk holding {tmp_path} is full; free space there")
        assert cache.get_many(["kept", "k0"]) == {"kept": "a prediction made earlier"}  # nothing half-written
        assert cache.integrity() == "ok"


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 512 KiB tmpfs; skipped with the reason where mounting is not permitted."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8); the max_page_count test covers the logic")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode})")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk: Path) -> None:
    """Write a file until the disk has no room left."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC


def test_a_cache_on_a_disk_that_fills_up_says_so(small_disk: Path) -> None:
    with PredictionCache(small_disk / "cache") as cache:
        with pytest.raises(CacheError) as caught:
            for batch in range(200):
                cache.put_many([(f"k{batch}-{i}", "x" * 2000) for i in range(10)], "lead")
        assert caught.value.kind == "full" and "cannot rollback" not in str(caught.value)
        assert f"the disk holding {small_disk / 'cache'} is full" in str(caught.value)
        assert len(cache.get_many([f"k0-{i}" for i in range(10)])) == 10  # what was stored stays


def test_a_run_with_its_cache_on_a_full_disk_goes_on_without_it(tmp_path: Path, small_disk: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = config(tmp_path)
    assert cli_main(["run", str(path), "-o", str(tmp_path / "reference"), "--no-cache", "-q"]) == 0
    capsys.readouterr()
    with PredictionCache(small_disk / "cache"):
        pass
    fill(small_disk)
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(small_disk / "cache"))
    assert cli_main(["run", str(path), "-o", str(tmp_path / "runs"), "-q"]) == 0
    line = one_line(capsys.readouterr().err)
    assert line.startswith("warning: prediction cache") and "without it" in line
    assert f"the disk holding {small_disk / 'cache'} is full; free space there" in line
    assert "cannot rollback" not in line and "bench cache clear" not in line
    assert run_files(tmp_path / "runs") == run_files(tmp_path / "reference")


# -- a path that is a file, a database that is a folder ----------------------------

@pytest.mark.parametrize("below", [False, True], ids=["the-file", "a-folder-below-it"])
def test_a_cache_path_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], below: bool) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("someone's notes", encoding="utf-8")
    cache_dir = blocker / "cache" if below else blocker
    path = config(tmp_path)
    assert cli_main(["run", str(path), "-o", str(tmp_path / "reference"), "--no-cache", "-q"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(cache_dir))
    assert cli_main(["run", str(path), "-o", str(tmp_path / "runs"), "-q"]) == 0
    line = one_line(capsys.readouterr().err)
    assert f"{blocker} is a file, not a folder; move it out of the way, or set HEADLINE_BENCH_CACHE" in line
    assert "without it" in line and "bench cache clear" not in line
    assert run_files(tmp_path / "runs") == run_files(tmp_path / "reference")

    for action in (["info"], ["clear"], ["clear", "--type", "lead"]):
        assert cli_main(["cache", *action]) == 2
        line = one_line(capsys.readouterr().err)
        assert line == f"bench: error: {blocker} is a file, not a folder; move it out of the way, or set " \
                       "HEADLINE_BENCH_CACHE (or cache.dir) to a folder"
    assert blocker.read_text(encoding="utf-8") == "someone's notes"


def test_a_cache_database_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / DB_NAME).mkdir()
    (tmp_path / DB_NAME / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CacheError, match="is a folder, not the cache database"):
        PredictionCache(tmp_path)
    assert cli_main(["cache", "clear", "--dir", str(tmp_path)]) == 2
    assert "is a folder, not the cache database" in one_line(capsys.readouterr().err)
    assert (tmp_path / DB_NAME / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_the_cli_prints_cache_problems_as_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bench", "cache", "info", "--dir", str(blocker)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result.stderr).endswith("is a file, not a folder; move it out of the way, or set "
                                            "HEADLINE_BENCH_CACHE (or cache.dir) to a folder")


def test_results_record_that_the_cache_was_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(blocker))
    assert cli_main(["run", str(config(tmp_path)), "-o", str(tmp_path / "runs"), "-q"]) == 0
    (run,) = (tmp_path / "runs").glob("t-*")
    cache = json.loads((run / "results.json").read_text())["cache"]
    assert cache["path"] is None and cache["hits"] == 0
