"""The review application over HTTP (Starlette's test client): every route, the edits and
what they leave on disk, and the requests it must refuse."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest

if not os.environ.get("CI"):  # CI installs the extra: there its absence fails the tests
    pytest.importorskip("starlette", reason="the review extra: pip install 'translate-flow[review]'")

with warnings.catch_warnings():  # starlette's notice that httpx2 will replace httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from conftest import REPO  # noqa: E402
from translate_flow import pipeline  # noqa: E402
from translate_flow.catalog import MACHINE_PREFIX, is_approved, read_po  # noqa: E402
from translate_flow.check import check_entry, spelling_unavailable  # noqa: E402
from translate_flow.config import Config, load_config  # noqa: E402
from translate_flow.languages import language  # noqa: E402
from translate_flow.memory import TranslationMemory  # noqa: E402
from translate_flow.pipeline.state import project_lock  # noqa: E402
from translate_flow.project import memory_index_path  # noqa: E402
from translate_flow.review import Workspace, create_app  # noqa: E402
from translate_flow.review.app import Guard, origins_for  # noqa: E402
from translate_flow.review.server import is_loopback  # noqa: E402
from translate_flow.review.workspace import TRANSLATOR_VARIABLE  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

SLUG = "bilash-free-but-silenced"
TOKEN = "session-token"
WRITE = {"x-review-token": TOKEN}
BYLINE = "by <a1>Massimo Introvigne</a1>"  # an entry with a tag and a glossary name
HOME = "HOME"  # an entry left untranslated in the sample copy
SKIP = "Skip to main content"  # an entry made fuzzy in the sample copy
# The entries of the sample article's catalogs, as the repository has them.
_SAMPLE_RU = REPO / "locales" / "ru" / "LC_MESSAGES" / f"{SLUG}.po"
ENTRIES = sum(1 for m in read_po(_SAMPLE_RU.read_text(encoding="utf-8"), str(_SAMPLE_RU)).messages if not m.obsolete)


def sample_project(root: Path) -> Config:
    """A copy of the repository's sample project under *root*: every catalog reviewed but
    in Russian one entry untranslated (HOME) and one fuzzy (Skip to main content)."""
    for name in ("articles", "locales", "glossary"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "translate-flow.toml", root / "translate-flow.toml")
    po_path = root / "locales" / "ru" / "LC_MESSAGES" / f"{SLUG}.po"
    po = polib.pofile(str(po_path), wrapwidth=79)
    for entry in po:
        if entry.msgid == HOME:
            entry.msgstr = ""
        if entry.msgid == SKIP:
            entry.flags.append("fuzzy")
    po.save(str(po_path))
    return load_config(root / "translate-flow.toml")


def ru_catalog(config: Config) -> Path:
    return config.root / "locales" / "ru" / "LC_MESSAGES" / f"{SLUG}.po"


def entry_on_disk(config: Config, msgid: str) -> polib.POEntry:
    found = polib.pofile(str(ru_catalog(config))).find(msgid)
    assert found is not None
    return found


def edit_on_disk(config: Config, msgid: str, msgstr: str) -> None:
    """A colleague's edit of the Russian catalog, saved by polib as an editor saves it."""
    po = polib.pofile(str(ru_catalog(config)), wrapwidth=79)
    theirs = po.find(msgid)
    assert theirs is not None
    theirs.msgstr = msgstr
    po.save(str(ru_catalog(config)))


def approved_on_disk(config: Config, msgid: str) -> bool:
    """Whether the Russian catalog on disk records an editor's approval of *msgid* as it stands."""
    path = ru_catalog(config)
    found = [m for m in read_po(path.read_text(encoding="utf-8"), str(path)).active() if m.msgid == msgid]
    assert len(found) == 1
    return is_approved(found[0])


@pytest.fixture
def project(tmp_path: Path) -> Config:
    return sample_project(tmp_path)


@pytest.fixture
def workspace(project: Config) -> Workspace:
    return Workspace(project, quality={"ru": "chrF++ 71.0"})


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(workspace, hosts=["testserver"], token=TOKEN)) as client:
        yield client


def entry(client: TestClient, msgid: str, lang: str = "ru") -> dict[str, Any]:
    entries = client.get(f"/api/article/{lang}/{SLUG}").json()["entries"]
    return next(e for e in entries if e["msgid"] == msgid)


def save(client: TestClient, shown: dict[str, Any], msgstr: str, **extra: Any) -> Any:
    body = {"msgctxt": shown["msgctxt"], "msgid": shown["msgid"], "msgstr": msgstr, "version": shown["version"], **extra}
    return client.post(f"/api/save/ru/{SLUG}", json=body, headers=WRITE)


# --- pages and listing -----------------------------------------------------------------


def test_the_overview_page_carries_the_token_and_a_strict_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert f'<meta name="review-token" content="{TOKEN}">' in response.text
    assert 'data-view="overview"' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_shell_escapes_the_project_name(tmp_path: Path) -> None:
    config = sample_project(tmp_path)
    text = config.path.read_text(encoding="utf-8").replace('name = "bitter-winter"', 'name = "<b>x</b>"')
    config.path.write_text(text, encoding="utf-8")
    app = create_app(Workspace(load_config(config.path)), hosts=["testserver"], token=TOKEN)
    page = TestClient(app).get("/").text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_the_overview_says_which_language_has_no_spelling_check(client: TestClient) -> None:
    notes = client.get("/api/overview").json()["notes"]
    assert notes == [spelling_unavailable(language("zh-Hans"))]  # Hunspell has no Chinese


def test_the_overview_lists_every_article_and_language(client: TestClient) -> None:
    rows = {r["language"]: r for r in client.get("/api/overview").json()["rows"]}
    assert set(rows) == {"kk", "ru", "zh-Hans"}
    ru = rows["ru"]
    assert (ru["reviewed"], ru["fuzzy"], ru["untranslated"]) == (ENTRIES - 2, 1, 1)
    assert ru["entries"] == ENTRIES and ru["words"] > 1000 and ru["approved"] == 0
    assert set(ru["findings"]) == {"error", "warning", "info"}
    assert ru["quality"] == "chrF++ 71.0" and rows["kk"]["quality"] == ""
    assert rows["kk"]["reviewed"] == ENTRIES


def test_the_overview_counts_findings_by_severity(client: TestClient) -> None:
    before = {r["language"]: r for r in client.get("/api/overview").json()["rows"]}["ru"]["findings"]
    assert save(client, entry(client, HOME), "HOME <b>").status_code == 200  # untranslated, and markup
    after = {r["language"]: r for r in client.get("/api/overview").json()["rows"]}["ru"]["findings"]
    assert after["error"] > before["error"]


def test_a_missing_catalog_is_a_row_with_its_problem(client: TestClient, project: Config) -> None:
    (project.root / "locales" / "kk" / "LC_MESSAGES" / f"{SLUG}.po").unlink()
    kk = {r["language"]: r for r in client.get("/api/overview").json()["rows"]}["kk"]
    assert "catalog not found" in kk["problem"]


def test_the_article_view_has_everything_beside_each_entry(client: TestClient) -> None:
    page = client.get(f"/article/ru/{SLUG}")
    assert page.status_code == 200 and 'data-article="bilash-free-but-silenced"' in page.text
    data = client.get(f"/api/article/ru/{SLUG}").json()
    assert data["language"] == "ru" and len(data["entries"]) == ENTRIES
    byline = next(e for e in data["entries"] if e["msgid"] == BYLINE)
    assert byline["source"] == [["text", "by "], ["tag", "<a1>"], ["text", "Massimo Introvigne"], ["tag", "</a1>"]]
    assert byline["state"] == "translated" and byline["context"] == ["article > p[2]"]
    assert byline["terms"][0]["source"] == "Massimo Introvigne"
    assert byline["terms"][0]["renderings"] == ["Массимо Интровинье"]
    assert entry(client, HOME)["state"] == "untranslated"
    assert entry(client, SKIP)["state"] == "fuzzy"


def test_glossary_terms_show_their_forbidden_variants(client: TestClient) -> None:
    entries = client.get(f"/api/article/ru/{SLUG}").json()["entries"]
    forbidden = [t for e in entries for t in e["terms"] if t["forbidden"]]
    assert forbidden, "the sample glossary forbids some renderings of terms the article uses"


@pytest.mark.parametrize("url", [
    "/article/xx/" + SLUG, "/article/ru/no-such-article", "/api/article/ru/../translate-flow",
    "/api/article/ru/..%2F..%2Fetc%2Fpasswd", "/preview/ru/%2E%2E/translate-flow", "/api/memory/xx/" + SLUG,
], ids=["unknown-language", "unknown-article", "dotdot", "encoded-dotdot", "preview-dotdot", "memory-language"])
def test_unknown_articles_and_languages_are_not_found(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_memory_matches_come_from_the_index_with_their_percentage(client: TestClient, project: Config) -> None:
    assert client.get(f"/api/memory/ru/{SLUG}", params={"msgid": BYLINE}).json() == {"matches": []}
    text = ru_catalog(project).read_text(encoding="utf-8")
    with TranslationMemory(memory_index_path(project)) as memory:
        memory.refresh("ru", {
            f"locales/ru/LC_MESSAGES/{SLUG}.po": (1, 1, lambda: read_po(text, "this.po")),
            "locales/ru/LC_MESSAGES/other.po": (1, 1, lambda: read_po(text, "other.po")),
        })
    matches = client.get(f"/api/memory/ru/{SLUG}", params={"msgid": "by <a1>Massimo Introvigne</a1>!"}).json()["matches"]
    assert matches and matches[0]["target"] == "Автор: <a1>Массимо Интровинье</a1>"
    assert 50 <= matches[0]["percent"] < 100
    assert {m["origin"] for m in matches} == {"locales/ru/LC_MESSAGES/other.po"}  # never the catalog itself


# --- the preview -----------------------------------------------------------------------


def test_the_preview_is_the_localized_page_with_scripts_off(client: TestClient) -> None:
    response = client.get(f"/preview/ru/{SLUG}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "sandbox" in policy
    page = response.text
    assert '<html lang="ru"' in page
    assert '<base href="/files/" target="_self">' in page
    index = next(e["index"] for e in client.get(f"/api/article/ru/{SLUG}").json()["entries"] if e["msgid"] == BYLINE)
    assert re.search(f'<span class="tf-seg" data-tf="{index}">Автор: <a [^>]*>Массимо Интровинье</a></span>', page)
    assert "\ue000" not in page and "\ue002" not in page


def test_the_preview_shows_the_source_for_what_is_untranslated(client: TestClient) -> None:
    index = entry(client, HOME)["index"]
    assert f'data-tf="{index}">HOME</span>' in client.get(f"/preview/ru/{SLUG}").text


def test_a_script_in_a_translation_stays_text_in_the_preview(client: TestClient) -> None:
    shown = entry(client, HOME)
    assert save(client, shown, '<script>alert("x")</script>').status_code == 200
    page = client.get(f"/preview/ru/{SLUG}").text
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in page
    assert '<script>alert("x")' not in page
    on_disk = entry_on_disk(client.app.state.workspace.config, HOME)  # type: ignore[attr-defined]
    assert any("markup" in c for c in on_disk.comment.splitlines())


def test_the_preview_changes_after_a_save(client: TestClient) -> None:
    shown = entry(client, BYLINE)
    assert save(client, shown, "Текст: <a1>Массимо Интровинье</a1>").status_code == 200
    assert f'data-tf="{shown["index"]}">Текст: <a ' in client.get(f"/preview/ru/{SLUG}").text


# --- files -----------------------------------------------------------------------------


def test_files_of_the_articles_folder_are_served(client: TestClient, project: Config) -> None:
    (project.articles / "img").mkdir()
    (project.articles / "img" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/files/img/a.png")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert response.headers["content-type"] == "image/png"


@pytest.mark.parametrize("url", [
    "/files/../translate-flow.toml", "/files/%2e%2e/translate-flow.toml", "/files/..%2Ftranslate-flow.toml",
    "/files//etc/passwd", "/files/%2Fetc%2Fpasswd", "/files/.hidden", "/files/link/translate-flow.toml",
    "/files/img", "/static/../app.py", "/static/app.py",
], ids=["dotdot", "encoded-dotdot", "encoded-slash", "absolute", "encoded-absolute", "hidden", "symlink-out",
        "folder", "static-dotdot", "static-other"])
def test_no_path_reaches_outside_the_articles_folder(client: TestClient, project: Config, url: str) -> None:
    (project.articles / ".hidden").write_text("secret", encoding="utf-8")
    (project.articles / "img").mkdir()
    (project.articles / "link").symlink_to(project.root)
    response = client.get(url)
    assert response.status_code == 404
    assert b"[project]" not in response.content and b"secret" not in response.content


def test_the_application_script_and_styles_are_served(client: TestClient) -> None:
    script = client.get("/static/review.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "textContent" in script.text and "innerHTML" not in script.text
    assert client.get("/static/preview.css").status_code == 200


# --- saving ----------------------------------------------------------------------------


def test_a_save_writes_the_entry_reviewed_with_the_header_updated(
    client: TestClient, project: Config, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TRANSLATOR_VARIABLE, "Anna Reviewer <anna@example.org>")
    shown = entry(client, SKIP)
    response = save(client, shown, "Перейти к основному тексту")
    assert response.status_code == 200
    saved = response.json()["entry"]
    assert saved["state"] == "translated" and saved["version"] != shown["version"]
    on_disk = entry_on_disk(project, SKIP)
    assert on_disk.msgstr == "Перейти к основному тексту" and "fuzzy" not in on_disk.flags
    po = polib.pofile(str(ru_catalog(project)))
    assert po.metadata["Last-Translator"] == "Anna Reviewer <anna@example.org>"
    assert po.metadata["PO-Revision-Date"] != "2026-12-03 17:42+0000"
    assert not list(ru_catalog(project).parent.glob(".*.tmp"))


def test_a_pseudo_entry_has_the_findings_check_gives_it(project: Config) -> None:
    """An unreviewed pseudo-translation is held to the checks a pseudo-translation can pass,
    in the review page as in ``check``: twice as long is no length-ratio finding."""
    po = polib.pofile(str(ru_catalog(project)), wrapwidth=79)
    theirs = po.find(SKIP)
    assert theirs is not None
    theirs.msgstr = "[Шкип то маин цонтент ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~]"
    theirs.flags = ["fuzzy"]
    theirs.comment = f"{MACHINE_PREFIX} pseudo score=0.00 mt=0123456789"
    po.save(str(ru_catalog(project)))
    with TestClient(create_app(Workspace(project), hosts=["testserver"], token=TOKEN)) as client:
        shown = {f["check"] for f in entry(client, SKIP)["findings"]}
    report = pipeline.check(project, languages=["ru"])
    checked = {f.check for f in report.findings if f.msgid == SKIP}
    assert shown == checked and "length-ratio" not in shown
    message = next(m for m in read_po(ru_catalog(project).read_text(encoding="utf-8"), "ru.po").active()
                   if m.msgid == SKIP)
    assert "length-ratio" in {f.check for f in check_entry(message.msgid, message.msgstr,
                                                            Workspace(project).context(language("ru")))}


def test_keep_as_draft_leaves_the_entry_fuzzy(client: TestClient, project: Config) -> None:
    response = save(client, entry(client, HOME), "ГЛАВНАЯ", draft=True)
    assert response.json()["entry"]["state"] == "fuzzy"
    assert "fuzzy" in entry_on_disk(project, HOME).flags and entry_on_disk(project, HOME).msgstr == "ГЛАВНАЯ"


def test_a_save_recomputes_the_entry_findings(client: TestClient, project: Config) -> None:
    response = save(client, entry(client, SKIP), "Skip to main content")
    checks = {f["check"] for f in response.json()["entry"]["findings"]}
    assert "untranslated" in checks
    assert any("untranslated" in c for c in entry_on_disk(project, SKIP).comment.splitlines())
    fixed = save(client, response.json()["entry"], "Перейти к основному содержанию")
    assert fixed.json()["entry"]["findings"] == []
    assert "check:" not in entry_on_disk(project, SKIP).comment


def test_a_save_leaves_other_entries_as_they_were(client: TestClient, project: Config) -> None:
    before = [(e.msgid, e.msgstr, e.flags, e.comment) for e in polib.pofile(str(ru_catalog(project))) if e.msgid != SKIP]
    save(client, entry(client, SKIP), "Перейти к основному содержанию")
    after = [(e.msgid, e.msgstr, e.flags, e.comment) for e in polib.pofile(str(ru_catalog(project))) if e.msgid != SKIP]
    assert after == before


@pytest.mark.parametrize(("msgstr", "reason"), [
    ("Автор: Массимо Интровинье", "missing tag <a1>"),
    ("Автор: <a1>Массимо</a1> <a1>Интровинье</a1>", "appears twice"),
    ("Автор: <a1>Массимо Интровинье</a1> <b2>!</b2>", "unknown tag <b2>"),
    ("Автор: </a1>Массимо Интровинье<a1>", "misplaced closing tag </a1>"),
    ("Автор: <a1>Массимо Интровинье", "never closed"),
], ids=["missing", "extra", "unknown", "misplaced", "unclosed"])
def test_a_translation_whose_tags_differ_is_refused_with_the_reason(
    client: TestClient, project: Config, msgstr: str, reason: str,
) -> None:
    before = ru_catalog(project).read_bytes()
    response = save(client, entry(client, BYLINE), msgstr)
    assert response.status_code == 422
    assert reason in response.json()["error"]
    assert ru_catalog(project).read_bytes() == before


def test_an_entry_changed_on_disk_is_never_overwritten(client: TestClient, project: Config) -> None:
    shown = entry(client, SKIP)
    edit_on_disk(project, SKIP, "Перейти к содержанию (из git pull)")
    before = ru_catalog(project).read_bytes()
    response = save(client, shown, "Моя версия")
    assert response.status_code == 409
    body = response.json()
    assert body["theirs"]["msgstr"] == "Перейти к содержанию (из git pull)" and body["mine"] == "Моя версия"
    assert ru_catalog(project).read_bytes() == before
    # Seen both, the reviewer may keep theirs over the disk's version on purpose.
    again = save(client, {**shown, "version": body["theirs"]["version"]}, "Моя версия")
    assert again.status_code == 200 and entry_on_disk(project, SKIP).msgstr == "Моя версия"


def test_an_entry_gone_from_disk_is_a_conflict(client: TestClient, project: Config) -> None:
    shown = entry(client, SKIP)
    po = polib.pofile(str(ru_catalog(project)), wrapwidth=79)
    po.remove(po.find(SKIP))
    po.save(str(ru_catalog(project)))
    response = save(client, shown, "x")
    assert response.status_code == 409 and response.json()["theirs"] is None


def test_a_save_waits_for_no_run_it_is_refused_while_one_holds_the_lock(client: TestClient, project: Config) -> None:
    shown = entry(client, SKIP)
    before = ru_catalog(project).read_bytes()
    with project_lock(project):
        response = save(client, shown, "Перейти к основному содержанию")
        assert response.status_code == 423 and "run is working" in response.json()["error"]
        assert ru_catalog(project).read_bytes() == before
    assert save(client, shown, "Перейти к основному содержанию").status_code == 200


def test_a_save_holds_the_lock_a_run_takes(client: TestClient, project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate_flow.errors import ProjectLocked
    from translate_flow.review import workspace as module

    seen: list[bool] = []
    real = module.write_catalog

    def write_and_look(path: Path, catalog: Any) -> Any:
        try:
            with project_lock(project):
                seen.append(False)
        except ProjectLocked:
            seen.append(True)
        return real(path, catalog)

    monkeypatch.setattr(module, "write_catalog", write_and_look)
    assert save(client, entry(client, SKIP), "Перейти к основному содержанию").status_code == 200
    assert seen == [True]


def test_undo_puts_back_the_last_save(client: TestClient, project: Config) -> None:
    original = entry_on_disk(project, SKIP)
    saved = save(client, entry(client, SKIP), "Другой текст").json()
    assert saved["can_undo"] is True
    response = client.post("/api/undo", json={}, headers=WRITE)
    assert response.status_code == 200 and response.json()["can_undo"] is False
    restored = entry_on_disk(project, SKIP)
    assert restored.msgstr == original.msgstr and "fuzzy" in restored.flags
    assert client.post("/api/undo", json={}, headers=WRITE).status_code == 404


def test_undo_refuses_when_the_entry_changed_since(client: TestClient, project: Config) -> None:
    save(client, entry(client, SKIP), "Другой текст")
    edit_on_disk(project, SKIP, "Третий текст")
    assert client.post("/api/undo", json={}, headers=WRITE).status_code == 409
    assert entry_on_disk(project, SKIP).msgstr == "Третий текст"


def test_an_editor_approves_a_reviewed_entry(client: TestClient, project: Config) -> None:
    shown = entry(client, BYLINE)
    body = {"msgctxt": None, "msgid": BYLINE, "version": shown["version"], "approved": True}
    response = client.post(f"/api/approve/ru/{SLUG}", json=body, headers=WRITE)
    assert response.status_code == 200 and response.json()["entry"]["approved"] is True
    assert approved_on_disk(project, BYLINE)
    assert entry_on_disk(project, BYLINE).tcomment.startswith("approved: ")  # a comment gettext tools keep
    rows = {r["language"]: r for r in client.get("/api/overview").json()["rows"]}
    assert rows["ru"]["approved"] == 1
    # A change to the text needs approving again.
    approved = response.json()["entry"]
    changed = save(client, approved, "Автор — <a1>Массимо Интровинье</a1>")
    assert changed.json()["entry"]["approved"] is False
    assert not approved_on_disk(project, BYLINE)


def test_approval_is_withdrawn_and_a_draft_cannot_be_approved(client: TestClient, project: Config) -> None:
    shown = entry(client, BYLINE)
    client.post(f"/api/approve/ru/{SLUG}", json={"msgid": BYLINE, "version": shown["version"]}, headers=WRITE)
    shown = entry(client, BYLINE)
    body = {"msgid": BYLINE, "version": shown["version"], "approved": False}
    assert client.post(f"/api/approve/ru/{SLUG}", json=body, headers=WRITE).json()["entry"]["approved"] is False
    assert not approved_on_disk(project, BYLINE)
    fuzzy = entry(client, SKIP)
    refused = client.post(f"/api/approve/ru/{SLUG}", json={"msgid": SKIP, "version": fuzzy["version"]}, headers=WRITE)
    assert refused.status_code == 422 and "reviewed" in refused.json()["error"]


@pytest.mark.parametrize("body", [[], {"msgid": 3}, {"msgid": SKIP}, {"msgid": SKIP, "msgstr": "x"}],
                         ids=["not-an-object", "msgid-not-text", "no-text", "no-version"])
def test_malformed_saves_are_refused(client: TestClient, body: Any) -> None:
    assert client.post(f"/api/save/ru/{SLUG}", json=body, headers=WRITE).status_code == 422


# --- who may talk to it ----------------------------------------------------------------


def test_a_foreign_host_is_refused(client: TestClient) -> None:
    response = client.get("/api/overview", headers={"host": "attacker.example:80"})
    assert response.status_code == 403 and "answers only to" in response.json()["error"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_foreign_origin_is_refused(client: TestClient, method: str) -> None:
    response = client.request(method, "/api/undo" if method == "POST" else "/api/overview",
                              headers={"origin": "http://attacker.example", **WRITE}, json={})
    assert response.status_code == 403 and "other sites" in response.json()["error"]


def test_the_served_origin_is_accepted(client: TestClient) -> None:
    assert client.get("/api/overview", headers={"origin": "http://testserver"}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"x-review-token": "wrong"}], ids=["no-token", "wrong-token"])
def test_a_write_without_the_session_token_is_refused(client: TestClient, project: Config, headers: dict[str, str]) -> None:
    before = ru_catalog(project).read_bytes()
    shown = entry(client, SKIP)
    body = {"msgid": SKIP, "msgctxt": None, "msgstr": "взлом", "version": shown["version"]}
    response = client.post(f"/api/save/ru/{SLUG}", json=body, headers=headers)
    assert response.status_code == 403 and "token" in response.json()["error"]
    assert ru_catalog(project).read_bytes() == before


def test_a_form_post_is_refused_even_with_the_token(client: TestClient) -> None:
    response = client.post(f"/api/save/ru/{SLUG}", data={"msgid": SKIP}, headers=WRITE)
    assert response.status_code == 403 and "JSON" in response.json()["error"]


def test_other_methods_are_refused(client: TestClient) -> None:
    assert client.request("PUT", f"/api/save/ru/{SLUG}", headers=WRITE, json={}).status_code == 403


@pytest.mark.parametrize(("method", "headers", "refused"), [
    ("GET", {"host": "127.0.0.1:8000"}, False),
    ("GET", {"host": "localhost:8000"}, False),
    ("GET", {"host": "127.0.0.1:8001"}, True),
    ("GET", {"host": "rebound.example:8000"}, True),
    ("GET", {"host": "127.0.0.1:8000", "origin": "null"}, True),
    ("POST", {"host": "127.0.0.1:8000", "x-review-token": "t", "content-type": "application/json"}, False),
    ("POST", {"host": "127.0.0.1:8000", "x-review-token": "t", "content-type": "text/plain"}, True),
], ids=["loopback", "localhost", "other-port", "rebinding", "null-origin", "write", "text-write"])
def test_the_guard(method: str, headers: dict[str, str], refused: bool) -> None:
    guard = Guard(origins_for("127.0.0.1", 8000), "t")
    assert bool(guard.refusal(method, headers)) is refused


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.5", False),
    ("example.org", False),
])
def test_which_addresses_are_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- the command -----------------------------------------------------------------------


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


@contextlib.contextmanager
def _reviewing(project: Config, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``translate-flow review --no-browser ARGS`` in a process of its own, which is killed
    if the test leaves it running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "translate_flow", "--config", str(project.path), "review", "--no-browser", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment(),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _interrupted(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Stop the review with Ctrl+C; its output and error output."""
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=30)


def test_the_command_serves_until_interrupted(project: Config) -> None:
    with _reviewing(project, "--lang", "ru") as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:[0-9]+/)(\S*)", line)
        assert match, line
        assert match.group(2) == f"article/ru/{SLUG}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(match.group(1) + "api/overview", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server never answered")
        out, err = _interrupted(process)
    assert process.returncode == 0, err
    assert "review stopped" in out and "Traceback" not in err


def test_the_command_says_in_one_line_when_the_extra_is_missing(project: Config) -> None:
    code = ("import sys; sys.modules['starlette'] = None; from translate_flow.cli import main; "
            f"sys.exit(main(['--config', {str(project.path)!r}, 'review', '--no-browser']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_environment())
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "translate-flow: error: translate-flow review needs starlette and uvicorn: pip install 'translate-flow[review]'"
    ]


def test_the_command_refuses_an_unknown_article_in_one_line(project: Config) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "translate_flow", "--config", str(project.path), "review", "--no-browser",
         "--article", "nope"], capture_output=True, text=True, env=_environment(), timeout=60,
    )
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "no such article" in result.stderr


def test_the_command_warns_when_serving_beyond_this_machine(project: Config) -> None:
    with _reviewing(project, "--host", "0.0.0.0") as process:
        assert process.stdout is not None
        assert "http://0.0.0.0:" in process.stdout.readline()
        _, err = _interrupted(process)
    assert "warning: serving on 0.0.0.0" in err


@pytest.mark.parametrize("lang", ["kk", "ru", "zh-Hans"])
def test_every_sample_language_can_be_reviewed_with_its_page(client: TestClient, lang: str) -> None:
    entries = client.get(f"/api/article/{lang}/{SLUG}").json()["entries"]
    assert len(entries) == ENTRIES
    page = client.get(f"/preview/{lang}/{SLUG}").text
    assert f'<html lang="{lang}"' in page
    marked = {int(n) for n in re.findall(r'data-tf="([0-9]+)"', page)}
    # Every entry but those only in attributes and the head (title, descriptions) is marked.
    assert len(marked) > 90 and marked <= set(range(len(entries)))


def test_the_start_up_check_passes_over_a_broken_catalog(project: Config) -> None:
    broken = project.root / "locales" / "kk" / "LC_MESSAGES" / f"{SLUG}.po"
    broken.write_text('msgid "unterminated\n', encoding="utf-8")
    workspace = Workspace(project)
    workspace.warm()
    rows = {r["language"]: r for r in workspace.overview()}
    assert "problem" in rows["kk"] and rows["ru"]["entries"] == ENTRIES


@pytest.mark.parametrize("lang", ["kk", "ru", "zh-Hans"])
def test_the_preview_reads_as_the_page_build_publishes(client: TestClient, project: Config, lang: str) -> None:
    from lxml import html as lxml_html

    from translate_flow.pipeline import build

    build(project, languages=[lang])
    published = (project.build_dir / lang / f"{SLUG}.html").read_text(encoding="utf-8")
    preview = client.get(f"/preview/{lang}/{SLUG}").text

    def body_text(page: str) -> str:
        body = lxml_html.document_fromstring(page).find("body")
        assert body is not None
        return str(body.text_content())

    assert body_text(preview) == body_text(published)


def one_pixel_png() -> bytes:
    """A 1x1 PNG, made here so the test needs no image library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


NESTED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Nested</title><base href="https://elsewhere.example/">
<link rel="stylesheet" href="style.css"></head>
<body><p>A picture of a dot. <img src="img/dot.png" alt="A dot"></p></body></html>
"""


def nested_project(root: Path) -> Config:
    """A project whose one article lives in a subfolder with its image and styles."""
    from translate_flow.pipeline import extract

    folder = root / "articles" / "news"
    (folder / "img").mkdir(parents=True)
    (folder / "story.html").write_text(NESTED_PAGE, encoding="utf-8")
    (folder / "img" / "dot.png").write_bytes(one_pixel_png())
    (folder / "style.css").write_text("p { color: rgb(1, 2, 3); }", encoding="utf-8")
    (root / "translate-flow.toml").write_text(
        '[project]\nname = "nested"\nversion = "1"\nsource_language = "en"\ntarget_languages = ["ru"]\n',
        encoding="utf-8")
    config = load_config(root / "translate-flow.toml")
    extract(config, workers=1)
    return config


def test_images_and_styles_resolve_from_the_article_folder(tmp_path: Path) -> None:
    config = nested_project(tmp_path)
    client = TestClient(create_app(Workspace(config), hosts=["testserver"], token=TOKEN))
    page = client.get("/preview/ru/news/story").text
    assert '<base href="/files/news/" target="_self">' in page
    assert "elsewhere.example" not in page  # the page's own base would send the frame elsewhere
    assert client.get("/files/news/img/dot.png").content == one_pixel_png()
    assert client.get("/files/news/style.css").headers["content-type"].startswith("text/css")


def test_a_glossary_that_cannot_be_read_is_said_in_one_line(project: Config) -> None:
    (project.glossary / "broken.csv").write_text('en,ru\n"unclosed,x\n', encoding="utf-8")
    workspace = Workspace(project)
    workspace.warm()  # the views report it; the start-up check says nothing
    client = TestClient(create_app(workspace, hosts=["testserver"], token=TOKEN), raise_server_exceptions=False)
    response = client.get(f"/api/article/ru/{SLUG}")
    assert response.status_code == 500
    assert "broken.csv" in response.json()["error"] and "Traceback" not in response.text
