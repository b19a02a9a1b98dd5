"""Every service's /docs loads Swagger UI from this machine when the files are installed,
and still answers (from the CDN) when they are not."""

import httpx
from fastapi import FastAPI

from shared.swagger import install_docs


def _installed(tmp_path):
    folder = tmp_path / "swagger-ui-dist"
    folder.mkdir()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        (folder / name).write_text(f"/* {name} */")
    return tmp_path


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


async def test_docs_use_the_local_swagger_ui_files(tmp_path):
    app = FastAPI(docs_url=None)
    assert install_docs(app, _installed(tmp_path))
    async with _client(app) as client:
        page = (await client.get("/docs")).text
        asset = await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")

    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert asset.status_code == 200
    assert "swagger-ui-bundle.js" in asset.text


async def test_without_the_files_docs_still_answer(tmp_path):
    app = FastAPI(docs_url=None)
    assert not install_docs(app, tmp_path)
    async with _client(app) as client:
        answer = await client.get("/docs")

    assert answer.status_code == 200
    assert "swagger-ui" in answer.text
