"""HTTP edge helpers shared by every service: error bodies and serving on loopback."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shared.errors import InvalidFields, RequestError


def field_errors(errors: Any) -> list[dict[str, str]]:
    """Pydantic errors as ``{"field": "contact.phone", "reason": "..."}`` entries."""
    return [
        {
            "field": ".".join(str(part) for part in error["loc"] if part != "body") or "body",
            "reason": error["msg"],
        }
        for error in errors
    ]


async def _validation_failed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(status_code=422, content={"detail": field_errors(exc.errors())})


async def _request_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestError)
    if isinstance(exc, InvalidFields):  # the same body as a schema error
        return JSONResponse(status_code=422, content={"detail": exc.field_errors()})
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail()})


def install_http_basics(app: FastAPI) -> None:
    """Error bodies every service shares."""
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(RequestError, _request_refused)
