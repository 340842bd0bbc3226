"""Reading uploaded text files: decode bytes as UTF-8 (with or without a byte-order mark)
or as UTF-16 when a BOM says so, and name the line of any byte that is not text."""

from __future__ import annotations

import codecs

from splitledger.interop.errors import FormatError


def decode(data: bytes) -> str:
    """The text of `data`; a leading BOM is dropped. CRLF and CR line ends are left for
    the csv module, which reads them all."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise FormatError(
            f"byte 0x{body[exc.start]:02x} is not {encoding.upper()} text; "
            "export the file again, or save it as UTF-8",
            row=line,
        ) from None


def decode_head(data: bytes) -> str:
    """The text of the start of a file, for telling its format: as `decode`, but a
    character that the cut splits (a multi-byte UTF-8 sequence, half a UTF-16 unit) is
    left out instead of refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return codecs.getincrementaldecoder(encoding)().decode(body, final=False)
    except UnicodeDecodeError:
        return decode(data)  # a byte that is no text at all: refused as decode says
