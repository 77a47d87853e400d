"""The published OpenAPI schema (`GET /openapi.json`): FastAPI's, completed with what every API route may also
answer (the errors of sign-in, limits and bad input, in the one error shape), the bearer sign-in, and the
events of the event streams, so that a client generated from it, or a fuzzer checking answers against it,
finds nothing undescribed."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

API_PREFIXES = ("/api/", "/v1/")
ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["message"],
        "properties": {"code": {"type": ["string", "null"]}, "message": {"type": "string"},
                       "type": {"type": "string"}, "param": {"type": ["string", "null"]}}}},
}
# What any API route may answer besides its own: (status, when).
COMMON_ERRORS = {
    "400": "The request could not be read (a body that is not JSON, or, on the OpenAI routes, invalid input).",
    "401": "No token, or one that is not valid (mistyped or removed).",
    "404": "No such item among yours (another person's answers the same).",
    "413": "The body is larger than the route takes.",
    "422": "The request is not valid; the message says what to change.",
    "429": "Too many requests, too many sign-in attempts, or too many turns in line: wait Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "string"}}}
# One server-sent event, as a client parses it: `data` is one JSON event of os1.events (native) or one OpenAI
# chunk, an error, or "[DONE]" (OpenAI-compatible).
SSE_EVENT = {
    "type": "object", "required": ["data"],
    "properties": {"data": {"type": "string"}, "event": {"type": "string"}, "id": {"type": "string"},
                   "retry": {"type": "integer"}},
}
NATIVE_EVENT = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}


def answers(**statuses: str) -> dict[int | str, dict[str, Any]]:
    """A route's own error answers beyond COMMON_ERRORS, in the server's error shape: answers(s409="…")."""
    return {int(status[1:]): {"description": when, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for status, when in statuses.items()}


def install(app: FastAPI) -> None:
    """Serve the completed schema at the app's openapi_url (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                                 description="OS1's API: the web app's native routes under /api and the "
                                             "OpenAI-compatible routes under /v1. Sign in with "
                                             "`Authorization: Bearer os1_…` (`os1 users add NAME`).")
            app.openapi_schema = complete(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer",
                                                "description": "An OS1 token, from `os1 users add NAME`."}}
    for path, methods in schema.get("paths", {}).items():
        if not path.startswith(API_PREFIXES):
            continue
        for operation in methods.values():
            operation["security"] = [{"bearer": []}]
            responses = operation.setdefault("responses", {})
            for status, when in COMMON_ERRORS.items():
                if status == "422" and "422" in responses:
                    responses["422"] = _error(when)  # FastAPI's own 422 shape is not the one the server sends
                responses.setdefault(status, _error(when))
            for answer in responses.values():
                stream = answer.get("content", {}).get("text/event-stream")
                if stream is not None:
                    stream["schema"] = _sse(native=path.startswith("/api/"))
    return schema


def _error(description: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description,
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if description.startswith("Too many"):
        answer["headers"] = RETRY_AFTER
    return answer


def _sse(native: bool) -> dict[str, Any]:
    if not native:
        return SSE_EVENT
    data = {"type": "string", "contentMediaType": "application/json", "contentSchema": NATIVE_EVENT}
    return {**SSE_EVENT, "properties": {**SSE_EVENT["properties"], "data": data}}  # type: ignore[dict-item]
