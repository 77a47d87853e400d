"""Turn a model spec string into a ready Model."""

from __future__ import annotations

import os

from os1.config import Settings
from os1.models.base import Model, ModelUnavailable
from os1.models.packaged import PACKAGED_MODELS, Progress, ensure_assembled
from os1.models.spec import EmbeddedSpec, GgufSpec, OpenAISpec, parse_spec


def resolve_model(spec: str, settings: Settings, progress: Progress | None = None) -> Model:
    """Build the backend for `spec`. Embedded models are assembled from their packages on first use."""
    parsed = parse_spec(spec)
    if isinstance(parsed, OpenAISpec):
        from os1.models.openai_compat import OpenAICompatModel

        key = os.environ.get(settings.api_key_env) or os.environ.get("OPENAI_API_KEY")

        def server(url: str) -> OpenAICompatModel:
            return OpenAICompatModel(parsed.model, url, api_key=key, context_window=settings.context_window,
                                     connect_timeout_s=settings.connect_timeout_s,
                                     first_token_timeout_s=settings.first_token_timeout_s)

        if parsed.pool:
            from os1.models.pool import ModelPool

            return ModelPool([(server(url), slots) for url, slots in parsed.pool])
        return server(parsed.base_url)

    from os1.models.embedded import EmbeddedModel

    if isinstance(parsed, GgufSpec):
        if not parsed.path.is_file():
            raise ModelUnavailable(f"No model file at {parsed.path}. Check the path after 'gguf:'.")
        return EmbeddedModel(parsed.path, label=parsed.path.name, context_window=settings.context_window,
                             threads=settings.threads)
    assert isinstance(parsed, EmbeddedSpec)
    packaged = PACKAGED_MODELS[parsed.variant]
    path = ensure_assembled(packaged, settings.model_dir, progress)
    return EmbeddedModel(path, label=packaged.label, context_window=settings.context_window,
                         threads=settings.threads)
