"""/docs: the OpenAPI UI, served whole by the service itself. Swagger UI's files come from a
pinned package (swagger-ui-bundle-v2), never from a third-party host, so the page works on a
network with no way out; it is started by a file of ours, not an inline script, so it runs under
the page Content-Security-Policy. ReDoc is not offered (its bundle needs inline styles and
workers)."""

from collections.abc import Awaitable, Callable
from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

VENDOR = Path(str(swagger_ui_path))
OURS = Path(str(files(__package__).joinpath("docs_assets")))
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
# pinned files change only with a release of the package (kept a day); ours are revalidated
PINNED, REVALIDATE = "public, max-age=86400", "no-cache"
# the only files served: what the page loads, nothing else of the package (its index.html and
# initializer point to a demo API on the internet)
ASSETS = {
    "swagger-ui-bundle.js": (VENDOR / "swagger-ui-bundle.js", JS, PINNED),
    "swagger-ui.css": (VENDOR / "swagger-ui.css", CSS, PINNED),
    "favicon-32x32.png": (VENDOR / "favicon-32x32.png", "image/png", PINNED),
    "docs.js": (OURS / "docs.js", JS, REVALIDATE),
    "docs.css": (OURS / "docs.css", CSS, REVALIDATE),
}

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – API</title>
<link rel="icon" type="image/png" href="{root}/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="{root}/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="{root}/docs/assets/docs.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{root}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{root}/docs/assets/docs.js"></script>
</body>
</html>
"""


def add_docs(app: FastAPI, path: str = "/docs") -> None:
    @app.get(path, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = escape(request.scope.get("root_path", "").rstrip("/"))
        return HTMLResponse(PAGE.format(title=escape(app.title), root=root, openapi=root + escape(app.openapi_url or "")))

    for name, (file, media_type, cache) in ASSETS.items():  # one route per file: any other name is a 404
        app.add_api_route(f"{path}/assets/{name}", _asset(file, media_type, cache), methods=["GET"],
                          include_in_schema=False)


def _asset(file: Path, media_type: str, cache: str) -> Callable[[], Awaitable[FileResponse]]:
    async def asset() -> FileResponse:
        return FileResponse(file, media_type=media_type, headers={"Cache-Control": cache})

    return asset
