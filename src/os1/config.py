"""Settings: defaults, then `config.toml` in the data directory, then `OS1_*` environment variables.

Nothing here touches the disk at import time; `load_settings()` reads the TOML when it is called.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "os1"


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix."""


def default_home() -> Path:
    """The data directory: `OS1_HOME` if set, else the platform's user data dir."""
    env = os.environ.get("OS1_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True)
class Settings:
    """Everything a run of OS1 may be configured with. Paths are resolved, values validated."""

    home: Path = field(default_factory=default_home)
    model: str = "embedded"
    user: str | None = None
    persona: Path | None = None
    context_window: int = 4096
    max_reply_tokens: int = 384
    temperature: float = 0.7
    seed: int = 0
    threads: int = 0  # 0: one per CPU core
    api_key_env: str = "OS1_API_KEY"
    connect_timeout_s: float = 5.0
    first_token_timeout_s: float = 120.0
    model_dir_override: Path | None = None
    embedder: str = "minilm"  # finds memories by meaning: "minilm" (English), "e5" (multilingual), "none"
    reflect_after_hours: float = 4.0  # a new conversation after this long a gap starts with reflection
    first_meeting: bool = True  # a few questions the first time a person opens OS1 (skippable, resumable)
    reach_out: bool = True  # follow-ups and check-ins, for everyone (each person can also say "stop checking in")
    check_in_after_days: float = 3.0  # a check-in after this many days of silence
    reach_outs_per_day: int = 3  # at most this many follow-ups and check-ins a day, per person

    @property
    def db_path(self) -> Path:
        return self.home / "os1.db"

    @property
    def config_path(self) -> Path:
        return self.home / "config.toml"

    @property
    def model_dir(self) -> Path:
        """Where assembled model files live (`OS1_MODEL_DIR` lets several homes share one copy)."""
        return self.model_dir_override or self.home / "models"

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given non-None values applied (used for command-line flags)."""
        given = {k: v for k, v in values.items() if v is not None}
        return _validated(replace(self, **given))


# Environment variable → settings field. Values are parsed with the field's type.
_ENV = {
    "OS1_MODEL": "model",
    "OS1_USER": "user",
    "OS1_PERSONA": "persona",
    "OS1_CONTEXT_WINDOW": "context_window",
    "OS1_MAX_REPLY_TOKENS": "max_reply_tokens",
    "OS1_TEMPERATURE": "temperature",
    "OS1_SEED": "seed",
    "OS1_THREADS": "threads",
    "OS1_API_KEY_ENV": "api_key_env",
    "OS1_CONNECT_TIMEOUT": "connect_timeout_s",
    "OS1_FIRST_TOKEN_TIMEOUT": "first_token_timeout_s",
    "OS1_MODEL_DIR": "model_dir_override",
    "OS1_EMBEDDER": "embedder",
    "OS1_REFLECT_AFTER_HOURS": "reflect_after_hours",
    "OS1_REACH_OUT": "reach_out",
    "OS1_FIRST_MEETING": "first_meeting",
}
_TOML_KEYS = {f.name for f in fields(Settings)} - {"home", "model_dir_override"} | {"model_dir"}


def load_settings(home: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults, `<home>/config.toml`, then the environment."""
    env = dict(os.environ if environ is None else environ)
    home = home or (Path(env["OS1_HOME"]).expanduser() if env.get("OS1_HOME") else default_home())
    values: dict[str, Any] = {"home": home}
    values.update(_read_toml(home / "config.toml"))
    for var, name in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    return _validated(Settings(**_coerce(values)))


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}). Fix or remove it.") from exc
    unknown = set(data) - _TOML_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}. "
                          f"Known: {', '.join(sorted(_TOML_KEYS))}.")
    if "model_dir" in data:
        data["model_dir_override"] = data.pop("model_dir")
    return data


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        kind = str(types[name])
        try:
            if kind == "int":
                out[name] = int(value)
            elif kind == "float":
                out[name] = float(value)
            elif kind == "bool":
                out[name] = _flag(value)
            elif "Path" in kind:
                out[name] = Path(str(value)).expanduser()
            else:
                out[name] = str(value)
        except ValueError as exc:
            raise ConfigError(f"Setting {name!r} has a bad value {value!r}: {exc}") from exc
    return out


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _validated(s: Settings) -> Settings:
    if s.context_window < 512:
        raise ConfigError(f"context_window must be at least 512 tokens (got {s.context_window}).")
    if not 16 <= s.max_reply_tokens <= s.context_window // 2:
        raise ConfigError(f"max_reply_tokens must be between 16 and half the context window "
                          f"(got {s.max_reply_tokens}).")
    if not 0.0 <= s.temperature <= 2.0:
        raise ConfigError(f"temperature must be between 0 and 2 (got {s.temperature}).")
    if s.connect_timeout_s <= 0 or s.first_token_timeout_s <= 0:
        raise ConfigError("timeouts must be positive numbers of seconds.")
    return s
