"""The review application: the pages, their JSON, the preview frame and the guards.

Routes (every path below is fixed; an article is found by its slug among the project's
articles and a file only inside the articles folder, so no request reaches further)::

    GET  /                                  the overview
    GET  /article/{lang}/{slug}             one article in one language
    GET  /api/overview                      the overview's rows
    GET  /api/article/{lang}/{slug}         the article's entries
    GET  /api/memory/{lang}/{slug}?msgid=   translation-memory matches for one text
    GET  /preview/{lang}/{slug}             the localized page, scripts off
    GET  /files/{path}                      images and styles of the articles folder
    GET  /static/{name}                     the application's own scripts and styles
    POST /api/save/{lang}/{slug}            save an entry (reviewed, or a draft)
    POST /api/approve/{lang}/{slug}         approve an entry, or withdraw approval
    POST /api/undo                          undo the last save

The page and its data are separate: the server sends catalog text only as JSON, and the
page's script puts it into the document as text, never as markup.
"""

from __future__ import annotations

import html
import json
import mimetypes
import secrets
import string
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import TranslateFlowError
from .workspace import Change, ReviewError, Workspace, requested_key

__all__ = ["APP_POLICY", "PREVIEW_POLICY", "TOKEN_HEADER", "Guard", "create_app", "origins_for"]

TOKEN_HEADER = "x-review-token"
# The review page runs its own script and nothing else.
APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The localized page: no script of its own runs, nothing is fetched from elsewhere.
PREVIEW_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; media-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'self'; "
    "sandbox allow-same-origin"
)
_STATUS = {"not-found": 404, "invalid": 422, "conflict": 409, "locked": 423}
_STATIC = frozenset({"review.js", "review.css", "preview.css"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def origins_for(host: str, port: int) -> tuple[str, ...]:
    """The ``host:port`` values a browser sends for a server bound to *host*: the name it
    was given, and the loopback names when it is a loopback address."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost"}
    return tuple(sorted(f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names))


@dataclass(frozen=True)
class Guard:
    """Who may talk to the application: requests naming one of *hosts* (``host:port``),
    from no other origin, and for writes, bearing *token*."""

    hosts: tuple[str, ...]
    token: str

    def refusal(self, method: str, headers: dict[str, str]) -> str:
        """Why a request is refused; "" when it may pass."""
        if headers.get("host", "") not in self.hosts:
            return "refused: this server answers only to " + ", ".join(self.hosts)
        origin = headers.get("origin")
        if origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
            return "refused: requests from other sites are not accepted"
        if method in ("GET", "HEAD"):
            return ""
        if method != "POST":
            return "refused: method not allowed"
        if not secrets.compare_digest(headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
            return "refused: this change needs the page's session token; reload the page"
        if headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "refused: changes are sent as JSON"
        return ""


class _Guarded:
    """ASGI middleware that answers 403 to whatever :class:`Guard` refuses."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.guard.refusal(scope["method"], headers)
        if refusal:
            response = JSONResponse({"error": refusal}, status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(workspace: Workspace, *, hosts: Iterable[str], token: str | None = None) -> Starlette:
    """The review application over *workspace*, answering to *hosts* (``host:port``).

    *token* is the session's write token (a fresh random one by default); the application
    keeps it in ``app.state.token``.
    """
    token = token or secrets.token_urlsafe(24)
    guard = Guard(tuple(hosts), token)
    views = _Views(workspace, token)
    app = Starlette(routes=[
        Route("/", views.overview_page),
        Route("/article/{lang}/{slug:path}", views.article_page),
        Route("/api/overview", views.overview),
        Route("/api/article/{lang}/{slug:path}", views.article),
        Route("/api/memory/{lang}/{slug:path}", views.memory),
        Route("/preview/{lang}/{slug:path}", views.preview),
        Route("/files/{path:path}", views.files),
        Route("/static/{name}", views.static),
        Route("/api/save/{lang}/{slug:path}", views.save, methods=["POST"]),
        Route("/api/approve/{lang}/{slug:path}", views.approve, methods=["POST"]),
        Route("/api/undo", views.undo, methods=["POST"]),
    ], exception_handlers={ReviewError: _refused, TranslateFlowError: _failed})
    app.state.token = token
    app.state.workspace = workspace
    app.add_middleware(_Guarded, guard=guard)
    return app


def _shell() -> string.Template:
    return string.Template(resources.files(__package__).joinpath("templates", "page.html").read_text("utf-8"))


class _Views:
    """The handlers, over one workspace."""

    def __init__(self, workspace: Workspace, token: str) -> None:
        self.workspace = workspace
        self.token = token
        self.shell = _shell()

    # --- pages -----------------------------------------------------------------------------

    def _page(self, view: str, title: str, language: str = "", article: str = "") -> Response:
        body = self.shell.substitute({
            name: html.escape(value, quote=True)
            for name, value in {
                "view": view, "title": title, "token": self.token, "language": language, "article": article,
                "project": self.workspace.config.name,
            }.items()
        })
        return _secured(HTMLResponse(body), APP_POLICY)

    def overview_page(self, request: Request) -> Response:
        return self._page("overview", f"Review: {self.workspace.config.name}")

    def article_page(self, request: Request) -> Response:
        language = self.workspace.language(request.path_params["lang"])
        article = self.workspace.article(request.path_params["slug"])
        return self._page("article", f"{article.slug} ({language.tag})", language.tag, article.slug)

    # --- data ------------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        workspace = self.workspace
        return _json({"project": workspace.config.name, "rows": workspace.overview(), "notes": workspace.notes()})

    def article(self, request: Request) -> Response:
        data = self.workspace.entries(request.path_params["slug"], request.path_params["lang"])
        return _json({**data, "can_undo": self.workspace.can_undo})

    def memory(self, request: Request) -> Response:
        matches = self.workspace.memory(
            request.path_params["lang"], request.path_params["slug"], request.query_params.get("msgid", ""))
        return _json({"matches": matches})

    def preview(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        folder = slug.rpartition("/")[0]
        base = "/files/" + (quote(folder) + "/" if folder else "")
        page = self.workspace.preview(slug, request.path_params["lang"], base_href=base,
                                      stylesheet="/static/preview.css")
        return _secured(HTMLResponse(page.html), PREVIEW_POLICY)

    def files(self, request: Request) -> Response:
        """A file of the articles folder; nothing outside it, nothing hidden."""
        folder = self.workspace.config.articles.resolve()
        relative = Path(request.path_params["path"])
        if relative.is_absolute() or any(part in ("..", "") or part.startswith(".") for part in relative.parts):
            return _json({"error": "no such file"}, 404)
        path = (folder / relative).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return _json({"error": "no such file"}, 404)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return _secured(Response(path.read_bytes(), media_type=kind), PREVIEW_POLICY)

    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return _json({"error": "no such file"}, 404)
        data = resources.files(__package__).joinpath("static", name).read_bytes()
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        return _secured(Response(data, media_type=kind, headers={"Cache-Control": "no-cache"}), APP_POLICY)

    # --- changes ---------------------------------------------------------------------------

    async def save(self, request: Request) -> Response:
        payload = await _payload(request)
        msgctxt, msgid = requested_key(payload)
        msgstr, seen = payload.get("msgstr"), payload.get("version")
        if not isinstance(msgstr, str) or not isinstance(seen, str):
            raise ReviewError("invalid", "a save sends the text (msgstr) and the version shown")
        change = Change(msgctxt, msgid, msgstr, seen, draft=bool(payload.get("draft")))
        entry = await run_in_threadpool(self.workspace.save, request.path_params["slug"], request.path_params["lang"], change)
        return _json({"entry": entry, "can_undo": self.workspace.can_undo})

    async def approve(self, request: Request) -> Response:
        payload = await _payload(request)
        key = requested_key(payload)
        seen = payload.get("version")
        if not isinstance(seen, str):
            raise ReviewError("invalid", "an approval sends the version shown")
        entry = await run_in_threadpool(
            self.workspace.approve, request.path_params["slug"], request.path_params["lang"], key, seen,
            bool(payload.get("approved", True)))
        return _json({"entry": entry})

    async def undo(self, request: Request) -> Response:
        await _payload(request)
        entry = await run_in_threadpool(self.workspace.undo)
        return _json({"entry": entry, "can_undo": self.workspace.can_undo})


async def _payload(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise ReviewError("invalid", "the request is not JSON") from None
    if not isinstance(data, dict):
        raise ReviewError("invalid", "the request is not a JSON object")
    return data


def _json(data: Any, status: int = 200) -> Response:
    return _secured(JSONResponse(data, status_code=status), APP_POLICY)


async def _refused(request: Request, exc: Exception) -> Response:
    """A :class:`ReviewError` as the answer: its message and detail, with its status."""
    assert isinstance(exc, ReviewError)
    return _json({"error": exc.message, "kind": exc.kind, **exc.detail}, _STATUS[exc.kind])


async def _failed(request: Request, exc: Exception) -> Response:
    """Another error of the project (a glossary that cannot be read, ...): said in one line."""
    return _json({"error": str(exc), "kind": "project"}, 500)


def _secured(response: Response, policy: str) -> Response:
    """*response* with the headers every answer carries."""
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
    return response
