"""behaviour: answers-utf8-naming-no-charset

DESCRIPTION: add a folder named 'Grüße', then look at get_folders' answer as bytes and at its Content-Type.
EXPECTATION: the name is there as its UTF-8 bytes, and the Content-Type names no charset, so a client that
reads text/* without a charset as ISO-8859-1 (HTTP/1.1's old default, Python's requests) shows 'GrÃ¼ÃŸe':
the mojibake users reported comes from that reading, not from Sync's bytes.
"""
import os

import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("answers-utf8-naming-no-charset")

NAME = "Grüße"


def test_non_ascii_answers_are_utf8_under_a_content_type_without_charset(sync, evidence, added_folders):
    directory = os.path.join(added_folders.new_dir(), NAME)
    os.mkdir(directory)
    if added_folders.add(directory).error_code() != 0:
        inconclusive(f"add_folder refused {NAME!r}")
    exchange = sync.call("get_folders")
    content_type = exchange.headers.get("Content-Type", "")
    evidence.note("Content-Type", content_type)
    assert NAME.encode("utf-8") in exchange.raw, (
        f"get_folders does not hold {NAME!r} as UTF-8 bytes (as Latin-1: {NAME.encode('latin-1') in exchange.raw})")
    charsets = [part.strip() for part in content_type.split(";")[1:] if part.strip().lower().startswith("charset")]
    assert not charsets, f"Content-Type {content_type!r} names its charset"
    evidence.because(f"{NAME!r} is sent as UTF-8 bytes {NAME.encode('utf-8')!r} under Content-Type "
                     f"{content_type!r}, which names no charset (read as ISO-8859-1: {NAME.encode('utf-8').decode('latin-1')!r})")
