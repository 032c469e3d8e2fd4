"""The review page in a real browser: Debian's Chromium driven by Playwright, against the
application served by uvicorn on 127.0.0.1.

Each test works on its own copy of the sample project. With ``REVIEW_SCREENSHOTS`` set to
a folder, the screenshots docs/review.md shows are written there (``docs/img`` to
refresh them); otherwise into the test's temporary folder.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Outside CI a machine without the browser skips these tests; CI installs it (.ci/run), and
# there a missing browser or package fails them instead of hiding them.
if not os.environ.get("CI"):
    if not CHROMIUM.is_file():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium: apt-get install chromium", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="needs Playwright: pip install 'translate-flow[test]'")
    pytest.importorskip("uvicorn", reason="the review extra: pip install 'translate-flow[review]'")

from playwright.sync_api import Browser, Frame, FrameLocator, Page, expect, sync_playwright  # noqa: E402

from test_review_http import (  # noqa: E402
    BYLINE, HOME, SKIP, SLUG, approved_on_disk, edit_on_disk, entry_on_disk, ru_catalog, sample_project,
)
from translate_flow.config import Config  # noqa: E402
from translate_flow.review import Workspace  # noqa: E402
from translate_flow.review.server import Served, serve_on  # noqa: E402

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 760}
# The first views check every entry; on a loaded machine that takes more than the 5 s
# Playwright waits by default.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def project(tmp_path: Path) -> Config:
    return sample_project(tmp_path / "project")


@pytest.fixture
def served(project: Config) -> Iterator[Served]:
    served = serve_on(Workspace(project), "127.0.0.1", 0)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield served
    served.server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("REVIEW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, folder: Path, name: str) -> None:
    path = folder / name
    page.screenshot(path=str(path))
    assert path.read_bytes().startswith(b"\x89PNG")


def open_article(page: Page, served: Served, lang: str = "ru") -> FrameLocator:
    page.goto(f"{served.url}article/{lang}/{SLUG}")
    page.wait_for_selector("section.entry.current")
    frame = page.frame_locator("#preview")
    frame.locator(".tf-seg").first.wait_for()
    return frame


def index_of(page: Page, msgid: str) -> int:
    index: int = page.evaluate(
        "(msgid) => review.entries.findIndex((e) => e.msgid === msgid)", msgid)
    assert index >= 0
    return index


def current(page: Page) -> int:
    return int(page.locator("section.entry.current").get_attribute("data-index") or -1)


def preview_frame(page: Page) -> Frame:
    """The frame of the localized page, once it shows the page."""
    page.frame_locator("#preview").locator(".tf-seg").first.wait_for()
    handle = page.locator("#preview").element_handle()
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None and "/preview/" in frame.url
    return frame


def replace_text(page: Page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


# --- the overview ----------------------------------------------------------------------


def test_the_overview_lists_sorts_and_filters(page: Page, served: Served, shots: Path) -> None:
    page.goto(served.url)
    rows = page.locator("table.overview tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("main > p.note")).to_contain_text("spelling is off for zh-Hans")
    page.locator("th[data-key='fuzzy']").click()
    page.locator("th[data-key='fuzzy']").click()
    expect(page.locator("th[data-key='fuzzy']")).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_have_attribute("data-language", "ru")
    page.set_viewport_size({"width": 1100, "height": 230})
    shoot(page, shots, "review-overview.png")
    page.select_option("#language-filter", "zh-Hans")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-language", "zh-Hans")
    page.fill("#filter", "no-such-article")
    expect(rows).to_have_count(0)


# --- editing ---------------------------------------------------------------------------


def test_a_sentence_edited_with_the_keyboard_is_saved_and_shown_in_the_page(
    page: Page, served: Served, project: Config, shots: Path,
) -> None:
    frame = open_article(page, served)
    home = index_of(page, HOME)
    page.keyboard.press("Alt+U")  # the next untranslated entry
    assert current(page) == home
    expect(frame.locator(f"[data-tf='{home}'].tf-current")).to_have_text("HOME")
    replace_text(page, "ГЛАВНАЯ СТРАНИЦА")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_have_text("saved")
    expect(frame.locator(f"[data-tf='{home}']")).to_have_text("ГЛАВНАЯ СТРАНИЦА")
    expect(page.locator(f"#entry-{home} .state")).to_have_text("reviewed")
    on_disk = entry_on_disk(project, HOME)
    assert on_disk.msgstr == "ГЛАВНАЯ СТРАНИЦА" and "fuzzy" not in on_disk.flags
    page.keyboard.press("Control+Alt+Z")  # undo
    expect(page.locator("#status")).to_have_text("undone")
    expect(frame.locator(f"[data-tf='{home}']")).to_have_text("HOME")
    assert entry_on_disk(project, HOME).msgstr == ""


def test_keep_as_draft_and_the_navigation_keys(page: Page, served: Served, project: Config) -> None:
    open_article(page, served)
    skip = index_of(page, SKIP)
    page.keyboard.press("Alt+F")  # the next fuzzy entry
    assert current(page) == skip
    page.keyboard.press("Alt+ArrowDown")
    assert current(page) == skip + 1
    page.keyboard.press("Alt+ArrowUp")
    replace_text(page, "К основному содержанию")
    page.keyboard.press("Control+Shift+Enter")
    expect(page.locator("#status")).to_have_text("kept as draft")
    on_disk = entry_on_disk(project, SKIP)
    assert on_disk.msgstr == "К основному содержанию" and "fuzzy" in on_disk.flags
    expect(page.locator("#keys")).to_contain_text("next untranslated")


def test_a_sentence_clicked_in_the_page_selects_its_entry_and_back(page: Page, served: Served, shots: Path) -> None:
    frame = open_article(page, served)
    court: int = page.evaluate("() => review.entries.findIndex((e) => e.msgid.startsWith('On August 16'))")
    frame.locator(f"[data-tf='{court}']").first.click(position={"x": 2, "y": 2})
    assert current(page) == court
    expect(page.locator(f"#entry-{court} .terms")).to_contain_text("plea bargain")
    shoot(page, shots, "review-article.png")
    byline = index_of(page, BYLINE)
    frame.locator(f"[data-tf='{byline}'] a").first.click()  # a link selects; it does not lead away
    assert current(page) == byline
    expect(page.locator(f"#entry-{byline} textarea")).to_be_focused()
    assert "/preview/" in preview_frame(page).url
    page.keyboard.press("Alt+ArrowDown")
    expect(frame.locator(".tf-current").first).to_have_attribute("data-tf", str(byline + 1))


def test_tags_are_checked_before_saving(page: Page, served: Served, project: Config) -> None:
    open_article(page, served)
    before = ru_catalog(project).read_bytes()
    byline = index_of(page, BYLINE)
    page.locator(f"#entry-{byline} .source").click()
    expect(page.locator(f"#entry-{byline} .source .chip").first).to_have_text("<a1>")
    replace_text(page, "Автор: Массимо Интровинье")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#entry-{byline} .refusal")).to_have_text("not saved: missing tag <a1>")
    assert ru_catalog(project).read_bytes() == before


def test_an_entry_changed_underneath_shows_both_versions(
    page: Page, served: Served, project: Config, shots: Path,
) -> None:
    open_article(page, served)
    skip = index_of(page, SKIP)
    edit_on_disk(project, SKIP, "Перейти к содержанию (правка коллеги)")
    page.keyboard.press("Alt+F")
    assert current(page) == skip
    replace_text(page, "Моя правка")
    page.keyboard.press("Control+Enter")
    box = page.locator(f"#entry-{skip} .conflict")
    expect(box.locator(".theirs")).to_have_text("Перейти к содержанию (правка коллеги)")
    expect(box.locator(".mine")).to_have_text("Моя правка")
    assert entry_on_disk(project, SKIP).msgstr == "Перейти к содержанию (правка коллеги)"
    shoot(page, shots, "review-conflict.png")
    box.locator("button.keep-mine").click()
    expect(page.locator("#status")).to_have_text("saved")
    assert entry_on_disk(project, SKIP).msgstr == "Моя правка"


def test_a_script_in_a_translation_stays_text(page: Page, served: Served, project: Config) -> None:
    frame = open_article(page, served)
    home = index_of(page, HOME)
    page.keyboard.press("Alt+U")
    attack = '<script>document.title="pwned";parent.pwned=1</script><img src=x onerror="parent.pwned=2">'
    replace_text(page, attack)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_have_text("saved")
    expect(frame.locator(f"[data-tf='{home}']")).to_have_text(attack)
    expect(page.locator(f"#entry-{home} .findings")).to_contain_text("markup")
    assert entry_on_disk(project, HOME).msgstr == attack
    page.reload()
    page.wait_for_selector("section.entry.current")
    expect(page.locator(f"#entry-{home} textarea")).to_have_value(attack)
    preview = preview_frame(page)
    assert preview.locator("script", has_text="pwned").count() == 0
    assert preview.locator("img[src='x']").count() == 0
    result: Any = page.evaluate("() => [window.pwned, document.title]")
    assert result[0] is None and "pwned" not in result[1]


def test_an_editor_approves_with_the_keyboard(page: Page, served: Served, project: Config) -> None:
    frame = open_article(page, served)
    byline = index_of(page, BYLINE)
    frame.locator(f"[data-tf='{byline}']").first.click(position={"x": 2, "y": 2})
    page.keyboard.press("Alt+A")
    expect(page.locator("#status")).to_have_text("approved")
    expect(page.locator(f"#entry-{byline} .approved")).to_have_text("approved")
    assert approved_on_disk(project, BYLINE)
    page.keyboard.press("Alt+A")
    expect(page.locator("#status")).to_have_text("approval withdrawn")
    assert not approved_on_disk(project, BYLINE)


def test_machine_provenance_and_score_are_shown(page: Page, served: Served, project: Config) -> None:
    po = polib.pofile(str(ru_catalog(project)), wrapwidth=79)
    machine = po.find(SKIP)
    assert machine is not None
    machine.comment = "machine translation: argos translate-en_ru 1.9 score=0.83 mt=abcdef12"
    po.save(str(ru_catalog(project)))
    open_article(page, served)
    skip = index_of(page, SKIP)
    page.keyboard.press("Alt+F")
    expect(page.locator(f"#entry-{skip} .score")).to_have_text("MT score 0.83")
    expect(page.locator(f"#entry-{skip} .provenance")).to_contain_text("argos translate-en_ru 1.9")


def test_the_page_shows_images_and_styles_from_the_article_folder(browser: Browser, tmp_path: Path) -> None:
    from test_review_http import nested_project

    served = serve_on(Workspace(nested_project(tmp_path)), "127.0.0.1", 0)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        while not served.server.started:
            time.sleep(0.05)
        page = context.new_page()
        page.goto(f"{served.url}article/ru/news/story")
        frame = page.frame_locator("#preview")
        expect(frame.locator("p")).to_have_css("color", "rgb(1, 2, 3)")
        image = frame.locator("img")
        expect(image).to_have_js_property("naturalWidth", 1)
    finally:
        context.close()
        served.server.should_exit = True
        thread.join(timeout=30)
