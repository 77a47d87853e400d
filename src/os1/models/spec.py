"""Model spec strings: `embedded`, `embedded:small`, `gguf:/path/file.gguf`, `openai:MODEL@URL`, and a pool of
servers with the same model, `openai:MODEL@URL#SLOTS,URL#SLOTS` (pool.py)."""

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


DEFAULT_SLOTS = 4  # replies at once for a pooled server whose slots are not given (llama.cpp's --parallel 4)


@dataclass(frozen=True)
class OpenAISpec:
    model: str
    base_url: str  # the first server's
    # Every server's address and slots, when more than one is given or slots are ("…/v1#8"): a pool.
    pool: tuple[tuple[str, int], ...] = ()


ModelSpec = EmbeddedSpec | GgufSpec | OpenAISpec

FORMS = ("embedded", "embedded:small", "gguf:/path/to/model.gguf", "openai:MODEL@http://host:port/v1",
         "openai:MODEL@http://host1:port/v1#SLOTS,http://host2:port/v1#SLOTS")


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
        if not at:
            return OpenAISpec(model=model, base_url=DEFAULT_OPENAI_URL)
        servers = [_server(spec, part) for part in url.split(",")]
        pooled = len(servers) > 1 or "#" in url
        return OpenAISpec(model=model, base_url=servers[0][0], pool=tuple(servers) if pooled else ())
    raise _bad(spec, "unknown kind of model")


def _server(spec: str, part: str) -> tuple[str, int]:
    """"http://host:8080/v1#4" → the address and its slots."""
    url, hashed, slots = part.strip().partition("#")
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise _bad(spec, f"the server address {url!r} must start with http:// or https://")
    if not hashed:
        return url, DEFAULT_SLOTS
    if not slots.isdigit() or int(slots) < 1:
        raise _bad(spec, f"after '#' comes how many replies {url} writes at once, a whole number from 1, "
                         f"not {slots!r}")
    return url, int(slots)


def _bad(spec: str, why: str) -> SpecError:
    return SpecError(f"Can't use model {spec!r}: {why}. Accepted forms: {', '.join(FORMS)}.")
