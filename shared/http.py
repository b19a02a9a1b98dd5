"""HTTP edge helpers shared by every service: error bodies and serving on loopback."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import InvalidFields, RequestError, TransientConflict


class FieldProblem(BaseModel):
    field: str
    reason: str


class FieldErrorsBody(BaseModel):
    detail: list[FieldProblem]


class Refusal(BaseModel):
    # Some refusals say more: ``allowed`` (the possible commands), ``allowed_roles``.
    model_config = ConfigDict(extra="allow")

    message: str


class RefusalBody(BaseModel):
    detail: Refusal


def refusal(description: str) -> dict[str, Any]:
    return {"model": RefusalBody, "description": description}


# Documented on every operation of every service: the answers install_http_basics gives.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: refusal("The request cannot be done; nothing was changed"),
    403: refusal("The actor's role may not do this; `allowed_roles` when known"),
    404: refusal("No such resource"),
    409: refusal("Clashes with the current state; `allowed` lists what is possible now"),
    422: {"model": FieldErrorsBody, "description": "Invalid fields, each one named"},
}


def as_json(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """``responses`` documented as JSON on an operation whose own answers are not JSON (an
    event stream): FastAPI would give their models the operation's media type. The models
    are referenced by name, so another operation must use them (every error response of
    ``ERROR_RESPONSES`` is)."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status, response in responses.items():
        schema = {"$ref": f"#/components/schemas/{response['model'].__name__}"}
        documented[status] = {
            "description": response["description"],
            "content": {"application/json": {"schema": schema}},
        }
    return documented


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


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own refusals (a malformed multipart body, an unknown path, a wrong
    # method) in the same shape as ours.
    assert isinstance(exc, StarletteHTTPException)
    body = {"detail": {"message": str(exc.detail)}}
    return JSONResponse(status_code=exc.status_code, content=body, headers=exc.headers)


async def _request_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestError)
    if isinstance(exc, InvalidFields):  # the same body as a schema error
        return JSONResponse(status_code=422, content={"detail": exc.field_errors()})
    body = {"detail": exc.detail()}
    return JSONResponse(status_code=exc.status_code, content=body, headers=exc.headers)


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The database conflicted or dropped the connection (a failover, a restart): nothing
    # was changed, and the same request again will most likely succeed. Not a 500.
    assert isinstance(exc, TransientConflict)
    body = {"detail": {"message": "the database is briefly unavailable; nothing was "
                                  "changed, please retry"}}  # fmt: skip
    return JSONResponse(status_code=503, content=body, headers={"Retry-After": "1"})


def install_http_basics(app: FastAPI) -> None:
    """Error bodies every service shares."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(RequestError, _request_refused)
    app.add_exception_handler(TransientConflict, _unavailable)
