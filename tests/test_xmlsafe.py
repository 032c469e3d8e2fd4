"""Hostile XML: every TMX memory and TBX glossary is parsed as data, never a fetch or a bomb."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from translate_flow.errors import InputError
from translate_flow.glossary import import_glossary, load_glossary_file, parse_tbx
from translate_flow.memory import import_tmx, read_tmx
from translate_flow.xmlsafe import parse_xml

# A document of each kind with a translation, on its fifth line, to put hostile text in.
TMX = """<tmx version="1.4">
<header creationtool="x" creationtoolversion="1" datatype="plaintext" segtype="sentence"
 adminlang="en" srclang="en" o-tmf="x"/>
<body><tu><tuv xml:lang="en"><seg>Hello</seg></tuv><tuv xml:lang="ru"><seg>{text}</seg></tuv></tu></body>
</tmx>"""
TBX = """<martif type="TBX-Basic" xml:lang="en">
<text><body><termEntry>
<langSet xml:lang="en"><tig><term>Hello</term></tig></langSet>
<langSet xml:lang="ru"><tig><term>{text}</term></tig></langSet>
</termEntry></body></text></martif>"""

LAUGHS = """<!DOCTYPE {root} [
<!ENTITY a "lollollollollollollollollollol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY x "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
"""
EXTERNAL = """<!DOCTYPE {root} [
<!ENTITY x SYSTEM "file:///etc/passwd">
]>
"""
NETWORK = """<!DOCTYPE {root} [
<!ENTITY x SYSTEM "{url}/secret">
]>
"""
PARAMETER = """<!DOCTYPE {root} [
<!ENTITY % remote SYSTEM "{url}/evil.dtd">
%remote;
]>
"""
INTERNAL = """<!DOCTYPE {root} [
<!ENTITY x "Привет">
]>
"""

# (id, prolog, text in the body, line of the problem, what the message says)
HOSTILE = [
    pytest.param(LAUGHS, "&x;", 3, "entity declarations are not allowed", id="billion-laughs"),
    pytest.param(EXTERNAL, "&x;", 3, "entity declarations are not allowed", id="external-entity"),
    pytest.param(NETWORK, "&x;", 3, "entity declarations are not allowed", id="network-entity"),
    pytest.param(PARAMETER, "Hi", 3, "entity declarations are not allowed", id="parameter-entity"),
    pytest.param(INTERNAL, "&x;", 3, "entity declarations are not allowed", id="internal-entity"),
    pytest.param("", "&x;", 5, "not well-formed XML (Entity 'x' not defined", id="undeclared-entity"),
    pytest.param("", "<b>", 5, "not well-formed XML", id="not-well-formed"),
]


class _Server:
    """A local HTTP server that counts requests: a parser that fetches anything is caught."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                server.requests.append(self.path)
                body = b'<!ENTITY x "fetched">'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    running = _Server()
    yield running
    running.close()


def _document(template: str, root: str, prolog: str, text: str, url: str) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog.format(root=root, url=url)
    return (head + template.format(text=text)).encode("utf-8")


def _read_tmx(data: bytes, shown: str) -> object:
    return read_tmx(data, shown, languages=["ru"])


def _import_tmx(data: bytes, shown: str) -> object:
    return import_tmx(data, shown, source_language="en", languages=["ru"])


def _parse_tbx(data: bytes, shown: str) -> object:
    return parse_tbx(data, shown)


READERS: list[object] = [
    pytest.param(TMX, "tmx", _read_tmx, id="tmx-read"),
    pytest.param(TMX, "tmx", _import_tmx, id="tmx-import"),
    pytest.param(TBX, "martif", _parse_tbx, id="tbx"),
]


@pytest.mark.parametrize(("template", "root", "reader"), READERS)
@pytest.mark.parametrize(("prolog", "text", "line", "message"), HOSTILE)
def test_hostile_xml_is_refused_with_its_location(
    server: _Server,
    template: str,
    root: str,
    reader: Callable[[bytes, str], object],
    prolog: str,
    text: str,
    line: int,
    message: str,
) -> None:
    data = _document(template, root, prolog, text, server.url)
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        reader(data, "shown/file.xml")
    assert time.monotonic() - started < 5  # nothing expanded
    error = caught.value
    assert (error.path, error.line) == ("shown/file.xml", line)
    assert error.message.startswith(message), error.message
    assert not error.message.startswith("shown/file.xml")  # the location is not in the text
    assert str(error) == f"shown/file.xml:{line}: {error.message}"
    assert server.requests == []  # nothing fetched


@pytest.mark.parametrize(("prolog", "text", "line", "message"), HOSTILE)
def test_a_hostile_glossary_file_is_a_finding_and_an_error(
    tmp_path: Path, server: _Server, prolog: str, text: str, line: int, message: str
) -> None:
    path = tmp_path / "terms.tbx"
    path.write_bytes(_document(TBX, "martif", prolog, text, server.url))
    _, findings = load_glossary_file(path, shown="glossary/terms.tbx")
    assert [(f.file, f.line, f.check) for f in findings] == [("glossary/terms.tbx", line, "unreadable")]
    assert findings[0].message.startswith(message)
    with pytest.raises(InputError) as caught:
        import_glossary(path, shown="glossary/terms.tbx")
    assert (caught.value.path, caught.value.line) == ("glossary/terms.tbx", line)
    assert server.requests == []


# (id, document, line, what the message says)
LIMITS = [
    pytest.param(b"<tmx>\n" + b"<a>" * 5000 + b"</a>" * 5000 + b"</tmx>", 2, "Excessive depth", id="deep"),
    pytest.param(b"<tmx>" + b"a" * (11 * 1024 * 1024) + b"</tmx>", 1, "Text node too long", id="huge-text"),
    pytest.param(
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE tmx [\n\n<!ENTITY a "b">\n]>\n<tmx/>'.encode("utf-16"),
        4,
        "entity declarations are not allowed in a memory",
        id="utf-16-entity",
    ),
]


@pytest.mark.parametrize(("data", "line", "message"), LIMITS)
def test_parse_xml_keeps_libxml2_limits(data: bytes, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_xml(data, "big.xml", kind="a memory")
    assert (caught.value.path, caught.value.line) == ("big.xml", line)
    assert message in caught.value.message


def test_parse_xml_reads_a_plain_document_with_line_numbers_and_no_comments() -> None:
    root = parse_xml(
        b'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx>\n<!-- a note -->\n<?pi x?>\n<body/>\n</tmx>',
        "ok.tmx",
        kind="a memory",
    )
    assert [child.tag for child in root] == ["body"]
    assert root[0].sourceline == 6
