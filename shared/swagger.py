"""``/docs`` of every service from Swagger UI files on this machine, not a CDN.

The files come from npm (``swagger-ui-dist`` in the gateway's dashboard assets, installed by
``make deps``); a service whose checkout lacks them keeps FastAPI's default page.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

# npm ci --prefix services/gateway/web puts the packages here.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "services" / "gateway" / "web" / "node_modules"
SWAGGER_UI_PATH = "/static/vendor/swagger-ui"
_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


def swagger_ui_dir(vendor_dir: Path = VENDOR_DIR) -> Path | None:
    """Where the Swagger UI files are, ``None`` when they are not installed."""
    folder = vendor_dir / "swagger-ui-dist"
    return folder if all((folder / name).is_file() for name in _FILES) else None


def install_docs(app: FastAPI, vendor_dir: Path = VENDOR_DIR) -> bool:
    """Serve ``/docs`` with local assets (the app was built with ``docs_url=None``); without
    them, the default CDN page. True when the local files are served."""
    folder = swagger_ui_dir(vendor_dir)
    title = f"{app.title} - Swagger UI"
    openapi_url = app.openapi_url or "/openapi.json"
    if folder is not None:
        app.mount(SWAGGER_UI_PATH, StaticFiles(directory=folder), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if folder is None:
            return get_swagger_ui_html(openapi_url=openapi_url, title=title)
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{SWAGGER_UI_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_UI_PATH}/favicon-32x32.png",
        )

    return folder is not None
