from pathlib import Path

import pytest

from os1.config import ConfigError, load_settings


def test_defaults_live_under_home(tmp_path: Path) -> None:
    s = load_settings(tmp_path, environ={})
    assert s.home == tmp_path
    assert s.db_path == tmp_path / "os1.db"
    assert s.model_dir == tmp_path / "models"
    assert s.model == "embedded"


def test_os1_home_from_environment(tmp_path: Path) -> None:
    s = load_settings(environ={"OS1_HOME": str(tmp_path / "h")})
    assert s.home == tmp_path / "h"


def test_toml_then_environment_then_flags(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('model = "embedded:small"\ntemperature = 0.2\nmodel_dir = "/m"\n')
    s = load_settings(tmp_path, environ={"OS1_TEMPERATURE": "0.5"})
    assert s.model == "embedded:small"
    assert s.temperature == 0.5
    assert s.model_dir == Path("/m")
    assert s.with_overrides(model="gguf:/x.gguf", user=None).model == "gguf:/x.gguf"


@pytest.mark.parametrize("toml, words", [
    ("model = ", "not valid TOML"),
    ("colour = 'red'", "unknown setting"),
    ("temperature = 9", "temperature"),
    ("context_window = 'lots'", "bad value"),
])
def test_bad_config_says_what_to_fix(tmp_path: Path, toml: str, words: str) -> None:
    (tmp_path / "config.toml").write_text(toml)
    with pytest.raises(ConfigError, match=words):
        load_settings(tmp_path, environ={})
