"""Model backends: the embedded llama.cpp model and any OpenAI-compatible server."""

from os1.models.base import (
    GenerateOptions,
    Message,
    Model,
    ModelError,
    ModelUnavailable,
    PromptTooLong,
)

__all__ = ["GenerateOptions", "Message", "Model", "ModelError", "ModelUnavailable", "PromptTooLong"]
