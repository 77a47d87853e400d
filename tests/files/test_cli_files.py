"""`os1 files allow | list | index | search | forbid` as a person runs them, over a real messy Downloads folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import messy_downloads


def os1(home: Path, person_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OS1_HOME": str(home), "HOME": str(person_home), "COLUMNS": "160"}
    return subprocess.run([sys.executable, "-m", "os1", "files", *args, "--user", "theodore"], capture_output=True,
                          text=True, timeout=120, env=env)


def test_allow_list_index_search_forbid(home: Path, tmp_path: Path) -> None:
    downloads = messy_downloads(tmp_path)
    out = os1(home, tmp_path, "allow", str(downloads))
    assert out.returncode == 0, out.stderr
    assert "Opened ~/Downloads to OS1." in out.stderr
    assert "Reading ~/Downloads" in out.stderr and "Finding meaning" in out.stderr  # the progress bars
    assert "~/Downloads: 13 files seen, 13 read anew, 0 unchanged" in out.stderr and "files/s" in out.stderr

    listed = os1(home, tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if "~/Downloads" in line)
    assert row.split()[1:3] == ["13", "6"]  # 13 files, the text of 6 documents

    (downloads / "new note.md").write_text("Remember the kite festival in Dieppe.\n")
    again = os1(home, tmp_path, "index")
    assert "14 files seen, 1 read anew, 13 unchanged" in again.stderr, again.stderr

    found = os1(home, tmp_path, "search", "kite festival")
    assert found.returncode == 0 and "new note.md" in found.stdout.splitlines()[1], found.stdout

    inside = os1(home, tmp_path, "allow", str(downloads / "Old stuff"))
    assert "is inside ~/Downloads, which is open already" in inside.stderr

    refused = os1(home, tmp_path, "allow", str(home))
    assert refused.returncode == 2 and "OS1's own folder or inside it" in refused.stderr

    closed = os1(home, tmp_path, "forbid", str(downloads))
    assert closed.returncode == 0 and "Closed ~/Downloads" in closed.stderr
    assert "No folders are open to OS1" in os1(home, tmp_path, "list").stdout
    assert os1(home, tmp_path, "search", "kite festival").stdout.strip() == "Nothing found."
    again = os1(home, tmp_path, "forbid", str(downloads))
    assert again.returncode == 2 and "not one of the folders you opened" in again.stderr
