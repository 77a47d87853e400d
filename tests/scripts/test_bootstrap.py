"""scripts/bootstrap on a machine that lacks something: it says what to do, and changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = ["bash", "cat", "dirname", "readlink", "awk", "printf", "mktemp", "rm", "find", "grep", "nproc", "sleep"]


def bare_path(tmp_path: Path, fakes: dict[str, str]) -> str:
    """A PATH with only basic tools (no Python, no compiler), plus the given fake commands."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS + ["df"]:
        found = shutil.which(tool)
        if found and tool not in fakes:
            (bin_dir / tool).symlink_to(found)
    for name, script in fakes.items():
        (bin_dir / name).write_text("#!/bin/bash\n" + script)
        (bin_dir / name).chmod(0o755)
    return str(bin_dir)


def bootstrap(tmp_path: Path, fakes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": bare_path(tmp_path, fakes), "HOME": str(tmp_path)}
    return subprocess.run([shutil.which("bash") or "bash", str(REPO / "scripts" / "bootstrap"),
                           str(tmp_path / "venv")], capture_output=True, text=True, env=env, timeout=60)


def test_no_python_says_how_to_get_one(tmp_path: Path) -> None:
    out = bootstrap(tmp_path, {})
    assert out.returncode == 1
    assert "needs Python 3.11 or newer" in out.stderr and "apt-get install python3" in out.stderr
    assert not (tmp_path / "venv").exists()


def test_too_little_disk_is_said_up_front(tmp_path: Path) -> None:
    python = os.path.realpath(sys.executable)
    fakes = {"python3": f'exec {python} "$@"\n',
             "df": 'echo "Filesystem 1024-blocks Used Available Capacity Mounted"; echo "/dev/x 100 90 1024 90% /"\n'}
    out = bootstrap(tmp_path, fakes)
    assert out.returncode == 1
    assert "Not enough disk space" in out.stderr and "about 6 GB" in out.stderr
    assert not (tmp_path / "venv").exists()
