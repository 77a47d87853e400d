"""Model spec strings: `embedded`, `embedded:small`, `gguf:/path/file.gguf`, `openai:MODEL@URL`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_OPENAI_URL = "https://api.openai.com/v1"


class SpecError(ValueError):
    """A model spec that cannot be understood; the message lists the accepted forms."""


@dataclass(frozen=True)
class EmbeddedSpec:
    variant: str  # "default" or "small": one of the packaged models


@dataclass(frozen=True)
class GgufSpec:
    path: Path


@dataclass(frozen=True)
class OpenAISpec:
    model: str
    base_url: str


ModelSpec = EmbeddedSpec | GgufSpec | OpenAISpec

FORMS = ("embedded", "embedded:small", "gguf:/path/to/model.gguf", "openai:MODEL@http://host:port/v1")


def parse_spec(spec: str) -> ModelSpec:
    """Parse a spec string; raise SpecError with the accepted forms when it is not one of them."""
    spec = spec.strip()
    kind, _, rest = spec.partition(":")
    if kind == "embedded":
        variant = rest or "default"
        if variant not in ("default", "small"):
            raise _bad(spec, f"unknown embedded model {rest!r} (there are 'embedded' and 'embedded:small')")
        return EmbeddedSpec(variant)
    if kind == "gguf":
        if not rest:
            raise _bad(spec, "give the path of a .gguf file after 'gguf:'")
        return GgufSpec(Path(rest).expanduser())
    if kind == "openai":
        model, at, url = rest.partition("@")
        if not model:
            raise _bad(spec, "give a model name after 'openai:'")
        url = url.rstrip("/") if at else DEFAULT_OPENAI_URL
        if not url.startswith(("http://", "https://")):
            raise _bad(spec, f"the server address {url!r} must start with http:// or https://")
        return OpenAISpec(model=model, base_url=url)
    raise _bad(spec, "unknown kind of model")


def _bad(spec: str, why: str) -> SpecError:
    return SpecError(f"Can't use model {spec!r}: {why}. Accepted forms: {', '.join(FORMS)}.")
