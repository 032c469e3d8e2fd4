"""``translate-flow review``: the local review page for translators and editors."""

from __future__ import annotations

import argparse
import threading
import webbrowser
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import quote

from .. import pipeline
from ..config import Config
from ..errors import UsageError
from ..languages import Language
from .options import Commands, add_project_command
from .output import EXIT_OK, warning

__all__ = ["add_parser"]

MISSING = "translate-flow review needs starlette and uvicorn: pip install 'translate-flow[review]'"


def add_parser(commands: Commands) -> None:
    """Add ``review`` to *commands*."""
    parser = add_project_command(
        commands, "review",
        "Review translations in the browser: each article beside its localized page; fix, save, approve.",
        "examples:\n  translate-flow review\n  translate-flow review --lang ru --article bilash-free-but-silenced\n"
        "  translate-flow review --no-browser --port 8765",
        review,
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to serve on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address, do not open a browser")


def _quality(config: Config, languages: Sequence[Language], only: Sequence[str]) -> dict[str, str]:
    """The overview's quality column: what reviewers changed of each model's output, per
    language; empty where sacrebleu (the quality extra) is not installed."""
    try:
        return pipeline.quality(config, only=only, languages=[language.tag for language in languages]).by_language()
    except UsageError:
        return {}


def review(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Serve the review page until Ctrl+C."""
    try:
        from ..review import Workspace
        from ..review.server import is_loopback, serve_on
    except ImportError:
        raise UsageError(MISSING) from None
    languages = tuple(config.target(tag) for tag in args.lang) or config.targets
    workspace = Workspace(config, languages, tuple(args.article), quality=_quality(config, languages, args.article))
    chosen = workspace.articles()  # an unknown article is a one-line error before serving
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    try:
        served = serve_on(workspace, args.host, args.port)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc})") from None
    if not is_loopback(args.host):
        warning(f"serving on {args.host}: anyone who can reach this address can open the review page "
                "and read the catalogs; use the default 127.0.0.1 unless you mean it", err)
    url = served.url
    if args.lang and len(chosen) == 1:
        url += "article/" + quote(languages[0].tag) + "/" + quote(chosen[0].slug)
    print(f"Reviewing {config.name} at {url} (Ctrl+C stops)", file=out, flush=True)
    threading.Thread(target=workspace.warm, name="review-warm-up", daemon=True).start()
    if not args.no_browser:
        opener = threading.Timer(0.5, webbrowser.open, (url,))
        opener.daemon = True  # Ctrl+C before it fires need not wait for it
        opener.start()
    served.run()
    print("review stopped", file=out)
    return EXIT_OK
