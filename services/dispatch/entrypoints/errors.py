"""Dispatch's refusals in the house error shapes."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.dispatch.domain.errors import InvalidField


async def _invalid_field(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidField)
    return JSONResponse(status_code=422, content={"detail": [exc.detail()]})


def install_error_handlers(app: FastAPI) -> None:
    """A missing conditional field is a 422 naming the field, like a pydantic one."""
    app.add_exception_handler(InvalidField, _invalid_field)
