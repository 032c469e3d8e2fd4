"""How fast the review page answers: the article view of a 300-entry catalog, and a save
with the preview rebuilt after it.

    .venv/bin/python benchmarks/review.py [--entries 300] [--repeat 20] [--lang ru]

A throwaway project gets one article of about --entries sentences, taken from the sample
article's Russian, Kazakh and Chinese catalogs (each with a number so that none repeats, one to a paragraph),
the sample glossary, and a catalog translated from those catalogs. The review application
is served by uvicorn on 127.0.0.1 in this process, and every figure is the wall time of
real HTTP requests from a client in this process:

- **article view**: the page shell, the entries (``/api/article``: every entry with its
  findings, glossary terms and context) and the localized page (``/preview``), which the
  browser asks for together; the first view, with nothing checked or cached yet (the
  command checks every entry on a thread as it starts, ``Workspace.warm``, which this
  leaves out), and the median and worst of the next ones;
- **save**: ``POST /api/save`` of one entry (read the catalog under the project lock,
  check the tags, write it, recompute the findings) followed by ``GET /preview``, the
  rebuild the browser asks for after each save.

The targets (issue 11): an article view under 300 ms, a save with its preview under
200 ms. They are printed, not asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import polib  # noqa: E402

from translate_flow import pipeline  # noqa: E402
from translate_flow.config import load_config  # noqa: E402
from translate_flow.review import Workspace  # noqa: E402
from translate_flow.review.server import serve_on  # noqa: E402

SAMPLE = "bilash-free-but-silenced"
TOKEN = "benchmark"


def sentences(lang: str) -> list[tuple[str, str]]:
    """(source, translation) of the sample catalog's sentences without tags."""
    locale = {"zh-Hans": "zh_Hans"}.get(lang, lang)
    po = polib.pofile(str(REPO / "locales" / locale / "LC_MESSAGES" / f"{SAMPLE}.po"))
    return [(e.msgid, e.msgstr) for e in po if e.msgstr and "<" not in e.msgid and len(e.msgid.split()) > 3]


def make_project(root: Path, lang: str, entries: int) -> tuple[Path, dict[str, str]]:
    """A project with one article of *entries* sentences; its config path and translations."""
    pairs = sentences(lang)
    chosen = [(f"{n}: {source}", f"{n}: {target}") for n, (source, target) in
              enumerate((pairs[i % len(pairs)] for i in range(entries - 2)), 1)]
    paragraphs = "\n".join(f"<p>{escape(source)}</p>" for source, _ in chosen)
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "long.html").write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Long article</title></head>\n'
        f"<body><article><h1>A long article</h1>\n{paragraphs}\n</article></body></html>\n", encoding="utf-8")
    shutil.copytree(REPO / "glossary", root / "glossary")
    (root / "translate-flow.toml").write_text(
        f'[project]\nname = "bench"\nversion = "1"\nsource_language = "en"\ntarget_languages = ["{lang}"]\n',
        encoding="utf-8")
    return root / "translate-flow.toml", dict(chosen)


def request(connection: http.client.HTTPConnection, method: str, path: str, body: object = None) -> bytes:
    headers = {"Host": connection.host + f":{connection.port}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers |= {"Content-Type": "application/json", "X-Review-Token": TOKEN}
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    content = response.read()
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {content[:200]!r}")
    return content


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--lang", default="ru", choices=("kk", "ru", "zh-Hans"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path, translated = make_project(Path(folder), args.lang, args.entries)
        config = load_config(path)
        pipeline.extract(config, workers=1)
        po_path = next((config.locales).rglob("long.po"))
        po = polib.pofile(str(po_path), wrapwidth=79)
        for entry in po:
            entry.msgstr = translated.get(entry.msgid, entry.msgid)
        po.save(str(po_path))
        count = len([e for e in po if not e.obsolete])

        served = serve_on(Workspace(config), "127.0.0.1", 0, token=TOKEN)
        thread = threading.Thread(target=served.run, daemon=True)
        thread.start()
        while not served.server.started:
            time.sleep(0.01)
        connection = http.client.HTTPConnection("127.0.0.1", served.sock.getsockname()[1], timeout=60)
        lang = config.targets[0].tag
        view_paths = [f"/article/{lang}/long", f"/api/article/{lang}/long", f"/preview/{lang}/long"]

        def view() -> None:
            for target in view_paths:
                request(connection, "GET", target)

        first = timed(view)  # nothing checked or cached yet
        views = [timed(view) for _ in range(args.repeat)]
        entries = json.loads(request(connection, "GET", f"/api/article/{lang}/long"))["entries"]
        saves: list[float] = []
        for n in range(args.repeat):
            entry = entries[(n * 7) % len(entries)]
            text = entry["msgstr"] + " ·"

            def save() -> None:
                body = {"msgctxt": entry["msgctxt"], "msgid": entry["msgid"], "msgstr": text,
                        "version": entry["version"]}
                saved = json.loads(request(connection, "POST", f"/api/save/{lang}/long", body))["entry"]
                entries[saved["index"]] = saved
                request(connection, "GET", f"/preview/{lang}/long")

            saves.append(timed(save))
        served.server.should_exit = True
        thread.join()

    print(f"review page, {count} entries ({lang}), {args.repeat} runs each, wall time over HTTP on 127.0.0.1")
    print(f"  article view (shell + entries + preview): first {first:.0f} ms, "
          f"median {statistics.median(views):.0f} ms, worst {max(views):.0f} ms   (target < 300 ms)")
    print(f"  save + preview rebuild:                   median {statistics.median(saves):.0f} ms, "
          f"worst {max(saves):.0f} ms   (target < 200 ms)")


if __name__ == "__main__":
    main()
