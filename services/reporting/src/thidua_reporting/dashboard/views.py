from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard() -> str:
    return files(__package__).joinpath("dashboard.html").read_text(encoding="utf-8")
