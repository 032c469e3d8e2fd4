"""The cache of machine output: kept between runs, rebuilt when damaged, always closed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from translate_flow.cache import MachineCache, digest
from translate_flow.errors import InputError
from translate_flow.translate import Translation

HELLO = Translation("Hello", "Привет", -0.1, "argos translate-en_ru 1.9", unsure_tags=("<a1>",))
WORLD = Translation("World", "Мир", -0.2, "argos translate-en_ru 1.9", loop="Мир Мир")


class Failure(Exception):
    """Something going wrong inside a `with` block."""


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_translations_come_back_in_a_later_run(tmp_path: Path) -> None:
    path = tmp_path / ".translate-flow" / "machine.sqlite"
    with MachineCache(path) as cache:
        cache.put("ctx", [HELLO, WORLD])
    with MachineCache(path) as cache:
        assert cache.get("ctx", ["Hello", "World", "Other"]) == {"Hello": HELLO, "World": WORLD}
        assert cache.get("other context", ["Hello"]) == {}


def test_many_msgids_are_looked_up_in_chunks(tmp_path: Path) -> None:
    translations = [Translation(f"m{n}", f"t{n}", 0.0, "e") for n in range(1200)]
    with MachineCache(tmp_path / "machine.sqlite") as cache:
        cache.put("ctx", translations)
        assert len(cache.get("ctx", [t.msgid for t in translations])) == 1200


def test_digest_is_stable_and_depends_on_every_part() -> None:
    assert digest("model", {"beam": 4}) == digest("model", {"beam": 4})
    assert digest("model", {"beam": 4}) != digest("model", {"beam": 5})
    assert len(digest("x")) == 24


def test_a_damaged_cache_starts_over(tmp_path: Path) -> None:
    path = tmp_path / "machine.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with MachineCache(path) as cache:
        assert cache.get("ctx", ["Hello"]) == {}
        cache.put("ctx", [HELLO])
        assert cache.get("ctx", ["Hello"]) == {"Hello": HELLO}


def test_an_older_schema_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "machine.sqlite"
    with MachineCache(path) as cache:
        cache.put("ctx", [HELLO])
    connection = sqlite3.connect(path)
    connection.execute("pragma user_version=0")
    connection.commit()
    connection.close()
    with MachineCache(path) as cache:
        assert cache.get("ctx", ["Hello"]) == {}


def test_an_exception_inside_the_block_closes_the_connection(tmp_path: Path) -> None:
    path = tmp_path / "machine.sqlite"
    with pytest.raises(Failure):
        with MachineCache(path) as cache:
            cache.put("ctx", [HELLO])
            assert _wal(path).exists()  # open: the write-ahead log is in use
            raise Failure
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        cache.get("ctx", ["Hello"])
    assert not _wal(path).exists()  # the last connection closed and checkpointed
    with MachineCache(path) as again:  # nothing lost
        assert again.get("ctx", ["Hello"]) == {"Hello": HELLO}


def test_a_file_in_place_of_the_state_folder_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / ".translate-flow").write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        MachineCache(tmp_path / ".translate-flow" / "machine.sqlite")
    assert caught.value.path == str(tmp_path / ".translate-flow")
    assert caught.value.message.startswith("cannot create the cache folder")
