from pathlib import Path

import pytest

from os1.models.spec import EmbeddedSpec, GgufSpec, OpenAISpec, SpecError, parse_spec


@pytest.mark.parametrize("spec, parsed", [
    ("embedded", EmbeddedSpec("default")),
    ("embedded:small", EmbeddedSpec("small")),
    ("gguf:/models/x.gguf", GgufSpec(Path("/models/x.gguf"))),
    ("openai:qwen@http://127.0.0.1:8000/v1/", OpenAISpec("qwen", "http://127.0.0.1:8000/v1")),
    ("openai:gpt-4o-mini", OpenAISpec("gpt-4o-mini", "https://api.openai.com/v1")),
])
def test_accepted_forms(spec: str, parsed: object) -> None:
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize("spec", ["", "llama", "embedded:huge", "gguf:", "openai:", "openai:m@ftp://x"])
def test_rejected_forms_list_the_accepted_ones(spec: str) -> None:
    with pytest.raises(SpecError, match="Accepted forms: embedded, embedded:small"):
        parse_spec(spec)
