"""Segmentation: which text becomes which msgid, with what context."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAGES, SAMPLE_ARTICLE

from translate_flow.htmldoc import parse_html
from translate_flow.policy import in_skipped_part
from translate_flow.segment import Segment, SegmentOptions, segment_page, split_sentences


def segments_of(html: str | bytes | Path, **options: object) -> list[Segment]:
    if isinstance(html, Path):
        data = html.read_bytes()
    else:
        data = html.encode("utf-8") if isinstance(html, str) else html
    page = parse_html(data, "page.html")
    return segment_page(page.tree, SegmentOptions(**options))  # type: ignore[arg-type]


def msgids(html: str | Path, **options: object) -> list[str]:
    return [s.msgid for s in segments_of(html, **options)]


def body(fragment: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head><title>T</title></head><body>{fragment}</body></html>"


CASES = [
    ("sentences", "<p>First one. Second one! Third?</p>", ["First one.", "Second one!", "Third?"]),
    ("abbreviations", "<p>Mr. Smith met Dr. Jones on Aug. 5 in the U.S. capital.</p>",
     ["Mr. Smith met Dr. Jones on Aug. 5 in the U.S. capital."]),
    ("stop-glued-to-a-word", "<p>Install ASP.NET from example.Org today. Then restart.</p>",
     ["Install ASP.NET from example.Org today.", "Then restart."]),
    ("stop-before-line-break", "<p>Send photographs. Edit and publish it.<br>Do not send originals.</p>",
     ["Send photographs.", "Edit and publish it.", "Do not send originals."]),
    ("inline-tags", '<p>See <a href="/x" class="c">the <em>report</em></a> now.</p>',
     ["See <a1>the <em2>report</em2></a1> now."]),
    ("inline-crossing-boundary", "<p>Start. It said <em>one. Two</em> words. End.</p>",
     ["Start.", "It said <em1>one. Two</em1> words.", "End."]),
    ("inline-around-sentences", "<p>Start. <em>One. Two.</em> End.</p>", ["Start.", "One. Two.", "End."]),
    ("wrapper-stripped", '<li><a href="/">Home page</a></li>', ["Home page"]),
    ("nested-wrapper-stripped", "<p><strong><em>All bold.</em></strong></p>", ["All bold."]),
    ("edge-image-stripped", '<li><a href="/"><img src="x.jpg" alt=""> Camps in Xinjiang</a></li>',
     ["Camps in Xinjiang"]),
    ("inner-image-kept", '<p>Open the <img src="i.png" alt=""> menu.</p>', ["Open the <img1/> menu."]),
    ("line-breaks", "<p>CESNUR<br>Via Confienza 19,<br>10121 Turin</p>",
     ["CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin"]),
    ("br-at-edges", "<p><br>Text here.<br></p>", ["Text here."]),
    ("mixed-div", "<div>Intro text <p>Inner paragraph.</p> trailing words</div>",
     ["Intro text", "Inner paragraph.", "trailing words"]),
    ("li-with-sublist", "<ul><li>Item text<ul><li>Sub item</li></ul>more text</li></ul>",
     ["Item text", "Sub item", "more text"]),
    ("inline-holding-block", '<a href="/"><div><h4>Heading</h4><p>Teaser.</p></div></a>',
     ["Heading", "Teaser."]),
    ("whitespace-collapsed", "<p>  Line\n   one\twith   gaps.  </p>", ["Line one with gaps."]),
    ("entities-decoded", "<p>Bilash&#8217;s &ldquo;free&rdquo; &amp; safe&nbsp;now</p>",
     ["Bilash’s “free” & safe\u00a0now"]),
    ("tag-lookalike-escaped", "<p>Never leave &lt;em1&gt; in text.</p>", ["Never leave &lt;em1> in text."]),
    ("numbers-only", "<p>2019</p><p>— 3.5% —</p><td>12 / 340</td>", []),
    ("code-inline-protected", "<p>Type <code>ls -l</code> and press <kbd>Enter</kbd>.</p>",
     ["Type <code1/> and press <kbd2/>."]),
    ("code-block-skipped", "<pre>Do not translate. Ever.</pre><p>Translate me.</p>", ["Translate me."]),
    ("script-style-template", "<script>var a = 'Text';</script><style>p{}</style>"
     "<template><p>Hidden text</p></template><p>Shown text</p>", ["Shown text"]),
    ("json-ld", '<script type="application/ld+json">{"headline": "Title words"}</script>', []),
    ("translate-no", '<p translate="no">Bitter Winter</p><p>Yes <span translate="no">Bitter Winter</span> here.</p>',
     ["Yes <span1/> here."]),
    ("notranslate-class", '<div class="notranslate wide"><p>Keep this.</p></div><p>Change this.</p>',
     ["Change this."]),
    ("foreign-language", '<blockquote lang="ru"><p>Свобода совести.</p></blockquote><p>Free.</p>', ["Free."]),
    ("comments", "<p>Before<!-- note --> after.</p><!-- A comment. -->", ["Before", "after."]),
    ("comment-in-inline", "<p>A <em>b<!-- c -->d</em> e.</p>", ["A <em1>bd</em1> e."]),
    ("time-with-datetime", '<p>Published <time datetime="2019-08-17">08/17/2019</time> by us.</p>',
     ["Published <time1/> by us."]),
    ("time-without-datetime", "<p>Published <time>last week</time>.</p>", ["Published <time1>last week</time1>."]),
    ("attributes", '<img src="a.jpg" alt="A photo" title="Credit: AFP">'
     '<input type="text" placeholder="Your name"><input type="submit" value="Send">'
     '<input type="hidden" value="secret"><span aria-label="separator">/</span>',
     ["A photo", "Credit: AFP", "Your name", "Send", "separator"]),
    ("empty-alt", '<img src="a.jpg" alt="">', []),
    ("select-options", '<label>Country <select><optgroup label="Central Asia"><option>Kazakhstan</option>'
     '</optgroup></select></label>', ["Country", "Central Asia", "Kazakhstan"]),
    ("button-unsplit", "<button>Send now. Really.</button>", ["Send now. Really."]),
    ("svg-title", "<p>Chart: <svg><title>Camps by year</title><text>New camps</text></svg></p>",
     ["Chart:", "Camps by year", "New camps"]),
    ("noscript", "<noscript><p>Enable JavaScript to see the map.</p></noscript>",
     ["Enable JavaScript to see the map."]),
    ("textarea-content-untouched", '<textarea placeholder="Describe it">Default text</textarea>',
     ["Describe it"]),
]


@pytest.mark.parametrize(("fragment", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_segments(fragment: str, expected: list[str]) -> None:
    assert msgids(body(fragment))[1:] == expected  # [0] is the <title>


def test_head_segments() -> None:
    html = """<!DOCTYPE html><html lang="en"><head>
<title>The title</title>
<meta name="description" content="A description.">
<meta name="keywords" content="camps, Xinjiang">
<meta name="viewport" content="width=device-width">
<meta property="og:title" content="OG title">
<meta property="og:site_name" content="Site name">
<meta property="og:image:alt" content="Image alt">
<meta property="og:url" content="https://example.org/">
<meta name="twitter:title" content="Tw title">
<meta name="twitter:description" content="Tw description">
<meta name="twitter:card" content="summary">
</head><body></body></html>"""
    found = [(s.msgid, s.context) for s in segments_of(html)]
    assert found == [
        ("The title", "head > title"),
        ("A description.", "head > meta[description]"),
        ("camps, Xinjiang", "head > meta[keywords]"),
        ("OG title", "head > meta[og:title]"),
        ("Site name", "head > meta[og:site_name]"),
        ("Image alt", "head > meta[og:image:alt]"),
        ("Tw title", "head > meta[twitter:title]"),
        ("Tw description", "head > meta[twitter:description]"),
    ]


def test_context_and_lines() -> None:
    html = "<!DOCTYPE html>\n<html lang='en'>\n<body>\n<article>\n<p>One.</p>\n<p>Two. Three.\nFour.</p>\n</article>\n</body></html>"
    found = [(s.msgid, s.line, s.context) for s in segments_of(html)]
    assert found == [
        ("One.", 5, "article > p[1]"),
        ("Two.", 6, "article > p[2], sentence 1 of 3"),
        ("Three.", 6, "article > p[2], sentence 2 of 3"),
        ("Four.", 7, "article > p[2], sentence 3 of 3"),
    ]


def test_msgctxt_from_data_translate_context() -> None:
    found = {(s.msgctxt, s.msgid) for s in segments_of(PAGES / "context-duplicates.html")}
    assert {("menu", "Share"), ("verb", "Share"), (None, "Share")} <= found


def test_foreign_parts_can_be_included() -> None:
    html = body('<blockquote lang="ru"><p>Свобода совести.</p></blockquote>')
    assert msgids(html, skip_foreign=False)[1:] == ["Свобода совести."]


def test_every_space_is_a_space_to_the_splitter() -> None:
    # Line breaks and no-break spaces alike; sentencex 1.0 panics at "A\xa0. B" as it is.
    assert split_sentences("Line one.\nLine two.", "en") == [10]
    assert split_sentences("Take vitamin C\xa0. It helps.", "en") == [17]
    assert split_sentences("Take vitamin C\u2009. It helps.", "en") == [17]
    assert split_sentences("Mr.\xa0Smith left. He came back.", "en") == [16]


def test_source_language_picks_the_sentence_rules() -> None:
    assert split_sentences("Первое предложение. Второе предложение.", "ru") == [20]
    assert split_sentences("第一句。第二句。", "zh-Hans") == [4]


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")) + [SAMPLE_ARTICLE], ids=lambda p: p.stem)
def test_no_attribute_or_markup_leaks_into_msgids(page: Path) -> None:
    for segment in segments_of(page):
        assert "href=" not in segment.msgid and "class=" not in segment.msgid
        assert segment.msgid == segment.msgid.strip()
        assert "  " not in segment.msgid and "\n" not in segment.msgid
        assert segment.line > 0 and segment.context


COMMENTS = Path(__file__).parent / "data" / "comments"
COMMENT_CASES = [
    # Inside an inline element a comment is part of the run, and no part of a msgid; in the
    # paragraph's own text it ends the run, like a block would (templates mark blocks so).
    ("between-sentences", ["It rained all day. The match went on.", "The crowd stayed.", "Nobody left."]),
    ("inside-sentence", ["The <b1>match went on</b1> all day.", "The match <em1>went</em1> on", "all day."]),
    ("inside-inline", ["Read <a1>the full report</a1> today.", "Read <a1>the report</a1> today."]),
    ("run-edges", ["It rained.", "It rained all day.", "Home page"]),
    ("several", ["<a1><span2>developer survey</span2></a1><a3><span4>security news</span4></a3>",
                 "<span1> </span1> <em2>Joe Citizen</em2>", "How is it that ideas capture people?",
                 "<span1>Subscribe to the paper</span1> <em2>From one euro a month</em2>"]),
    ("fallback", ["The match went on.", "<b1>Fans stayed</b1> until the end."]),
    ("reordered", ["The <b1>red car</b1> of <i2>my father</i2> is here."]),
]


@pytest.mark.parametrize(("name", "expected"), COMMENT_CASES, ids=[case[0] for case in COMMENT_CASES])
def test_a_comment_inside_inline_text_is_no_part_of_a_msgid(name: str, expected: list[str]) -> None:
    assert msgids(COMMENTS / f"{name}.html")[1:] == expected  # the <title> first


def test_every_comment_page_has_its_case() -> None:
    assert {path.stem for path in COMMENTS.glob("*.html")} == {case[0] for case in COMMENT_CASES}


def test_segmentation_is_deterministic() -> None:
    first = segments_of(SAMPLE_ARTICLE)
    assert first == segments_of(SAMPLE_ARTICLE)
    assert len(first) > 100


def test_sample_article_key_segments() -> None:
    found = msgids(SAMPLE_ARTICLE)
    assert "Kazakhstan: Serikzhan Bilash Free but Silenced | Bitter Winter" in found
    assert ("Umarova refused to counter-sign the plea bargain, claiming she is convinced Bilash is "
            "<strong1>totally innocent</strong1>.") in found
    assert "Photo credit: Chris Rickleton, <em1>France Presse</em1>." in found
    assert "CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin, Italy,<br3/>Phone: 39-011-541950" in found
    assert not any("genesis-nav-primary" in m or "querySelectorAll" in m for m in found)


# --------------------------------------------------------------------------------------
# the skip policy both segmentation and assembly read

SKIP_CASES = [
    ("opaque-tag", "<p><math><mi id='x'>x</mi></math></p>", True),
    ("translate-no-in-capitals", "<p translate=' NO '><span id='x'>A</span></p>", True),
    ("translate-yes", "<p translate='yes'><span id='x'>A</span></p>", False),
    ("notranslate-among-classes", "<p class='lead notranslate'><span id='x'>A</span></p>", True),
    ("foreign-lang", "<p lang='de-CH'><span id='x'>A</span></p>", True),
    ("foreign-lang-with-underscore", "<p lang='de_CH'><span id='x'>A</span></p>", True),
    ("source-lang-region", "<p lang='EN-gb'><span id='x'>A</span></p>", False),
    ("foreign-content", "<svg><text><span id='x'>A</span></text></svg>", True),
    ("the-element-itself", "<p><span id='x' translate='no'>A</span></p>", True),
    ("plain", "<p><span id='x'>A</span></p>", False),
]


@pytest.mark.parametrize(("fragment", "skipped"), [c[1:] for c in SKIP_CASES], ids=[c[0] for c in SKIP_CASES])
def test_in_skipped_part(fragment: str, skipped: bool) -> None:
    root = parse_html(body(fragment).encode("utf-8"), "page.html").tree.getroot()
    (element,) = root.xpath("//*[@id='x']")
    assert in_skipped_part(element, SegmentOptions("en")) is skipped


def test_the_root_is_never_skipped() -> None:
    html = "<!DOCTYPE html><html lang='de' translate='no'><body><p>Words to translate.</p></body></html>"
    root = parse_html(html.encode("utf-8"), "page.html").tree.getroot()
    assert not in_skipped_part(root.find("body/p"), SegmentOptions("en"))
    assert msgids(html) == ["Words to translate."]


def test_foreign_parts_count_only_when_skip_foreign_is_set() -> None:
    root = parse_html(body("<p lang='de'><span id='x'>A</span></p>").encode("utf-8"), "page.html").tree.getroot()
    (element,) = root.xpath("//*[@id='x']")
    assert not in_skipped_part(element, SegmentOptions("en", skip_foreign=False))
