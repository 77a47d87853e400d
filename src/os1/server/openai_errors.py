"""Errors the way OpenAI's API gives them: `{"error": {"message", "type", "param", "code"}}` with the matching
status, so that OpenAI's own clients raise their usual exceptions (NotFoundError, BadRequestError, …).

The routes of the OpenAI-compatible API use `OpenAIRoute`, which turns every error raised while answering one of
them (a bad body, a missing token, a full turnstile, an `OpenAIError`) into that shape, with OpenAI's `type`
beside OS1's `code`. Other routes keep OS1's own shape (os1.server.errors).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from os1.server.fairness import Busy

# OpenAI's error types by status; anything else 4xx is an invalid request, 5xx a server error.
_TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error",
          503: "service_unavailable"}


class OpenAIError(Exception):
    """An error to answer with, OpenAI-style. `code` is stable for programs; `message` says what to do."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.headers = dict(headers or {})


def error_type(status: int) -> str:
    return _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def error_body(status: int, message: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type(status), "param": param, "code": code}}


def error_response(error: OpenAIError) -> JSONResponse:
    return JSONResponse(error_body(error.status, error.message, error.code, error.param), error.status,
                        headers=error.headers)


def invalid_request(exc: RequestValidationError) -> OpenAIError:
    """A body FastAPI could not validate, as OpenAI reports it: 400, naming the first field at fault."""
    errors: Sequence[Any] = exc.errors()
    if not errors:
        return OpenAIError(400, "The request is not valid.", "invalid_request")
    first = errors[0]
    where = [str(part) for part in first.get("loc", ()) if part not in ("body", "header", "query", "form")]
    param = ".".join(where) or None
    message = f"{param}: {first.get('msg', 'invalid')}" if param else str(first.get("msg", "invalid"))
    return OpenAIError(400, message, "invalid_value" if param else "invalid_request", param)


def _from_http(exc: HTTPException) -> OpenAIError:
    """The server's own errors (os1.server.errors.ApiError: a sign-in failure, a body over the limit)."""
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
    # OpenAI calls a bad or missing key invalid_api_key; clients look for it.
    code = "invalid_api_key" if exc.status_code == 401 else detail.get("code")
    return OpenAIError(exc.status_code, str(detail.get("message", "")), code, headers=exc.headers)


class OpenAIRoute(APIRoute):
    """A route whose errors come out OpenAI-shaped, whatever raised them."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as exc:
                return error_response(exc)
            except RequestValidationError as exc:
                return error_response(invalid_request(exc))
            except HTTPException as exc:
                return error_response(_from_http(exc))
            except Busy as exc:
                return error_response(OpenAIError(429, str(exc), exc.code,
                                                  headers={"Retry-After": str(exc.retry_after_s)}))

        return answer
