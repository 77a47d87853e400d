"""Every error the server sends has one shape, OpenAI's: `{"error": {"code", "message"}}`, so that the web app,
the openai client and curl all show the message. Bad input is a 4xx with a message saying what to change,
never a 500."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from os1.db.store import NotFound
from os1.server.fairness import Busy

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited",
         500: "internal_error", 503: "unavailable"}


class ApiError(HTTPException):
    """An error for the person calling the API: a status, a stable code, and a message saying what to do."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, {"code": code, "message": message}, headers)
        self.code = code
        self.message = message

    def response(self) -> JSONResponse:
        """This error as the answer, for code that runs outside FastAPI's exception handlers."""
        return error_response(self.status_code, self.code, self.message, dict(self.headers or {}))


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def busy_response(exc: Busy) -> JSONResponse:
    return error_response(429, exc.code, str(exc), {"Retry-After": str(exc.retry_after_s)})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Exception, _unexpected)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, dict) and {"code", "message"} <= exc.detail.keys():
        code, message = str(exc.detail["code"]), str(exc.detail["message"])
    elif exc.status_code == 404:
        code, message = "not_found", f"Nothing here: {request.method} {request.url.path}."
    elif exc.status_code == 405:
        code, message = "method_not_allowed", f"{request.url.path} does not take {request.method} requests."
    else:
        code, message = CODES.get(exc.status_code, "error"), str(exc.detail)
    return error_response(exc.status_code, code, message, dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Where and what, never the value sent: it may be someone's message.
    problems = [f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()[:5]]
    return error_response(422, "invalid_request", "The request is not valid. " + "; ".join(problems) + ".")


async def _busy(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Busy)
    return busy_response(exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    # The store's own message names the person; the answer never says whether someone else has such an item.
    return error_response(404, "not_found", "There is no such item among yours.")


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A bug, not bad input: the server logs it (uvicorn, with the traceback) once this answer is sent.
    return error_response(500, "internal_error", "Something went wrong on the server; it is logged. "
                                                 "Please try again.")


def _where(loc: Any) -> str:
    parts = [str(p) for p in loc if p != "body"] if isinstance(loc, list | tuple) else [str(loc)]
    return ".".join(parts) or "body"
