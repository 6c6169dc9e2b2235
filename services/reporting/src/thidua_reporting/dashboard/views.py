"""A live leaderboard page for people: static HTML, its script and its style sheet, all served by
reporting itself (the page policy allows scripts of this origin only); the script calls the query
API with the token it is given."""

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)
HERE = files(__package__)
ASSETS = {"dashboard.js": "text/javascript; charset=utf-8", "dashboard.css": "text/css; charset=utf-8"}


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard() -> str:
    return HERE.joinpath("dashboard.html").read_text(encoding="utf-8")


def _asset(name: str, media_type: str):
    async def asset() -> Response:
        return Response(HERE.joinpath(name).read_bytes(), media_type=media_type, headers={"Cache-Control": "no-cache"})

    return asset


for _name, _media_type in ASSETS.items():  # one route per file: any other name is a 404
    router.add_api_route(f"/dashboard/{_name}", _asset(_name, _media_type), methods=["GET"])
