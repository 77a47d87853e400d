"""Model assembly from numbered packages, against real (tiny) installed distributions on a temp sys.path."""

import base64
import hashlib
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from os1.models import packaged
from os1.models.base import ModelUnavailable
from os1.models.packaged import PackagedModel, ensure_assembled, is_assembled

SLICES = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 3000, b"the end"]


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install three part distributions the way pip lays them out (dist-info with RECORD hashes)."""
    root = tmp_path / "site"
    for n, data in enumerate(SLICES, start=1):
        pkg = root / f"fakemodel_part{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{n:02d}.bin").write_bytes(data)
        info = root / f"fakemodel_part{n}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakemodel-part{n}\nVersion: 1.0\n")
        (info / "RECORD").write_text(
            f"fakemodel_part{n}/__init__.py,,\n"
            f"fakemodel_part{n}/data/part{n:02d}.bin,{_record_hash(data)},{len(data)}\n"
            f"fakemodel_part{n}-1.0.dist-info/RECORD,,\n")
    monkeypatch.syspath_prepend(str(root))
    return root


def fake_model() -> PackagedModel:
    return PackagedModel(label="Fake model", dist_prefix="fakemodel-part", version="1.0", parts=3,
                         sha256=hashlib.sha256(b"".join(SLICES)).hexdigest(), filename="fake.gguf")


def test_parts_join_in_order_and_are_verified(site: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = ensure_assembled(fake_model(), tmp_path / "models", lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == b"".join(SLICES)
    assert is_assembled(fake_model(), tmp_path / "models")
    assert seen and seen[-1][0] == seen[-1][1] == sum(map(len, SLICES))
    assert not list((tmp_path / "models").glob("*.partial"))


def test_second_start_does_not_reassemble(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_assembled(fake_model(), tmp_path / "models")
    monkeypatch.setattr(packaged, "_find_part", lambda *a: pytest.fail("re-read the parts"))
    ensure_assembled(fake_model(), tmp_path / "models")


def test_a_changed_model_file_is_assembled_again(site: Path, tmp_path: Path) -> None:
    path = ensure_assembled(fake_model(), tmp_path / "models")
    path.write_bytes(b"truncated")
    assert not is_assembled(fake_model(), tmp_path / "models")
    assert ensure_assembled(fake_model(), tmp_path / "models").read_bytes() == b"".join(SLICES)


def test_a_damaged_part_is_named_with_the_fix(site: Path, tmp_path: Path) -> None:
    (site / "fakemodel_part2" / "data" / "part02.bin").write_bytes(b"middle" * 2999 + b"MIDDLE")
    with pytest.raises(ModelUnavailable) as info:
        ensure_assembled(fake_model(), tmp_path / "models")
    message = str(info.value)
    assert "part 2 of 3" in message and "damaged" in message
    assert "--force-reinstall" in message and "fakemodel-part2==1.0" in message
    assert not (tmp_path / "models" / "fake.gguf").exists()
    assert not list((tmp_path / "models").glob("*.partial"))


def test_a_missing_part_says_how_to_install_it(site: Path, tmp_path: Path) -> None:
    model = PackagedModel("Fake", "fakemodel-part", "1.0", 4, "0" * 64, "fake.gguf")
    with pytest.raises(ModelUnavailable, match=r"part 4 of 4 \(fakemodel-part4\) is not installed"):
        ensure_assembled(model, tmp_path / "models")


def test_not_enough_disk_is_said_before_writing(site: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(packaged.shutil, "disk_usage", lambda _: usage(10**9, 10**9, 1000))
    with pytest.raises(ModelUnavailable, match="Not enough disk space.*OS1_MODEL_DIR"):
        ensure_assembled(fake_model(), tmp_path / "models")
    assert not (tmp_path / "models" / "fake.gguf").exists()


def test_wrong_published_checksum_is_refused(site: Path, tmp_path: Path) -> None:
    model = PackagedModel("Fake", "fakemodel-part", "1.0", 3, "0" * 64, "fake.gguf")
    with pytest.raises(ModelUnavailable, match="does not match its published checksum"):
        ensure_assembled(model, tmp_path / "models")
    assert sys.executable in str(model.reinstall_hint(1))
