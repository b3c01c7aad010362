"""Hostile inputs made from real records: the regression files in tests/fixtures/hostile/.

Each case is a named mutation of a real ClinicalTrials.gov record (JSON or XML) or of a
curated Turtle file: dropped, duplicated and retyped fields, truncation, deep nesting, huge
strings, wrong encodings, NUL bytes, entity tricks. ``python -m tests.hostile_cases`` writes
them again (the same bytes each time); tests/test_fuzz.py runs each one through kg.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.shared_data import shared_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
#: The real records the cases start from (copied into tests/fixtures, so CI needs nothing else).
JSON_RECORD = FIXTURES / "ctgov" / "NCT00973089.json"
XML_RECORD = FIXTURES / "hostile-sources" / "NCT04414345.xml"
TURTLE = Path(__file__).resolve().parent.parent / "data" / "astrorx.ttl"

Record = dict[str, Any]


def real_records(suffix: str) -> list[Path]:
    """Every real registry record in shared/ with that suffix, or the copies in tests/fixtures."""
    found = sorted(shared_dir().glob(f"data/ctgov*/**/*{suffix}"))
    return found or [JSON_RECORD if suffix == ".json" else XML_RECORD]


def _json(record: Any) -> bytes:
    return json.dumps(record, indent=1, ensure_ascii=False).encode("utf-8")


def _at(record: Record, path: str) -> tuple[Any, str]:
    """The container holding the last key of a dotted path, and that key."""
    *parents, last = path.split(".")
    node: Any = record
    for key in parents:
        node = node[key]
    return node, last


def _drop(path: str) -> Callable[[Record], bytes]:
    def mutate(record: Record) -> bytes:
        parent, key = _at(record, path)
        del parent[key]
        return _json(record)

    return mutate


def _set(path: str, value: Any) -> Callable[[Record], bytes]:
    def mutate(record: Record) -> bytes:
        parent, key = _at(record, path)
        parent[key] = value
        return _json(record)

    return mutate


def _raw(change: Callable[[bytes], bytes]) -> Callable[[Record], bytes]:
    return lambda record: change(_json(record))


def _nest_json(depth: int) -> Callable[[Record], bytes]:
    def mutate(record: Record) -> bytes:
        inner = _json(record["protocolSection"])
        return b'{"protocolSection": ' * depth + inner + b"}" * depth

    return mutate


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


IDENT = "protocolSection.identificationModule"
DESIGN = "protocolSection.designModule"
STATUS = "protocolSection.statusModule"

JSON_CASES: dict[str, Callable[[Record], bytes]] = {
    "drop-protocol-section": _drop("protocolSection"),
    "drop-identification": _drop(IDENT),
    "drop-nct-id": _drop(f"{IDENT}.nctId"),
    "drop-brief-title": _drop(f"{IDENT}.briefTitle"),
    "drop-design": _drop(DESIGN),
    "drop-status": _drop(STATUS),
    "nct-id-number": _set(f"{IDENT}.nctId", 973089),
    "nct-id-null": _set(f"{IDENT}.nctId", None),
    "nct-id-list": _set(f"{IDENT}.nctId", ["NCT00973089"]),
    "nct-id-object": _set(f"{IDENT}.nctId", {"id": "NCT00973089"}),
    "nct-id-true": _set(f"{IDENT}.nctId", True),
    "nct-id-empty": _set(f"{IDENT}.nctId", ""),
    "nct-id-short": _set(f"{IDENT}.nctId", "NCT123"),
    "nct-id-lowercase": _set(f"{IDENT}.nctId", "nct00973089"),
    "nct-id-newline": _set(f"{IDENT}.nctId", "NCT00973089\n"),
    "nct-id-path": _set(f"{IDENT}.nctId", "../../etc/passwd"),
    "nct-id-markup": _set(f"{IDENT}.nctId", "<script>alert(1)</script>"),
    "nct-id-iri-breaker": _set(f"{IDENT}.nctId", 'NCT0097> <urn:x> "'),
    "title-nul": _set(f"{IDENT}.briefTitle", "A trial\x00 with a NUL"),
    "title-controls": _set(f"{IDENT}.briefTitle", "bell\x07 escape\x1b[31m backspace\x08"),
    "title-huge": _set(f"{IDENT}.briefTitle", "ALS " * 50_000),
    "title-number": _set(f"{IDENT}.briefTitle", 12.5),
    "title-list": _set(f"{IDENT}.briefTitle", ["a", "b"]),
    "title-rtl-override": _set(f"{IDENT}.briefTitle", "trial \u202egnp.exe"),
    "title-turtle-breaker": _set(f"{IDENT}.briefTitle", '""" . <urn:x> <urn:y> "'),
    "phases-string": _set(f"{DESIGN}.phases", "PHASE2"),
    "phases-numbers": _set(f"{DESIGN}.phases", [1, 2]),
    "phases-unknown": _set(f"{DESIGN}.phases", ["PHASE7"]),
    "phases-empty": _set(f"{DESIGN}.phases", []),
    "phases-huge-list": _set(f"{DESIGN}.phases", ["PHASE2"] * 10_000),
    "design-list": _set(DESIGN, [1, 2, 3]),
    "design-string": _set(DESIGN, "randomised"),
    "enrollment-string": _set(f"{DESIGN}.enrollmentInfo", {"count": "many", "type": "ACTUAL"}),
    "enrollment-negative": _set(f"{DESIGN}.enrollmentInfo", {"count": -5, "type": "ACTUAL"}),
    "enrollment-huge": _set(f"{DESIGN}.enrollmentInfo", {"count": 10**40, "type": "ACTUAL"}),
    "enrollment-float": _set(f"{DESIGN}.enrollmentInfo", {"count": 1e308, "type": "ACTUAL"}),
    "enrollment-type-odd": _set(f"{DESIGN}.enrollmentInfo", {"count": 10, "type": "GUESSED"}),
    "start-date-month-13": _set(f"{STATUS}.startDateStruct", {"date": "2020-13"}),
    "start-date-day-45": _set(f"{STATUS}.startDateStruct", {"date": "2020-02-45"}),
    "start-date-words": _set(f"{STATUS}.startDateStruct", {"date": "yesterday"}),
    "start-date-empty": _set(f"{STATUS}.startDateStruct", {"date": ""}),
    "start-date-number": _set(f"{STATUS}.startDateStruct", {"date": 2020}),
    "start-date-year-0": _set(f"{STATUS}.startDateStruct", {"date": "0000-01-01"}),
    "start-date-far-future": _set(f"{STATUS}.startDateStruct", {"date": "99999-01-01"}),
    "status-unknown": _set(f"{STATUS}.overallStatus", "ON_THE_MOON"),
    "status-null": _set(f"{STATUS}.overallStatus", None),
    "protocol-section-list": _set("protocolSection", [1]),
    "protocol-section-string": _set("protocolSection", "x"),
    "nested-65": _nest_json(65),
    "nested-1000": _nest_json(1000),
    "nested-100000": _nest_json(100_000),
    "nested-arrays-100000": lambda record: b"[" * 100_000 + b"]" * 100_000,
    "truncated-10pc": _raw(_truncate(0.1)),
    "truncated-50pc": _raw(_truncate(0.5)),
    "truncated-99pc": _raw(_truncate(0.99)),
    "trailing-garbage": _raw(lambda data: data + b"\n}}}garbage"),
    "two-documents": _raw(lambda data: data + data),
    "utf16-le-bom": _raw(lambda data: data.decode().encode("utf-16")),
    "utf16-be-no-bom": _raw(lambda data: data.decode().encode("utf-16-be")),
    "utf32": _raw(lambda data: data.decode().encode("utf-32")),
    "latin1": _raw(lambda data: data.decode().replace("A", "\u00c9").encode("latin-1")),
    "utf8-bom": _raw(lambda data: b"\xef\xbb\xbf" + data),
    "nul-bytes-raw": _raw(lambda data: data.replace(b"\n", b"\n\x00", 3)),
    "lone-surrogate-escape": _raw(
        lambda data: data.replace(b'"briefTitle": "', b'"briefTitle": "\\ud800', 1)
    ),
    "duplicate-nct-id-key": _raw(
        lambda data: data.replace(b'"nctId": ', b'"nctId": "NCT99999999", "nctId": ', 1)
    ),
    "nan-literal": _raw(
        lambda data: data.replace(b'"briefTitle": ', b'"x": NaN, "briefTitle": ', 1)
    ),
    "infinity-literal": _raw(
        lambda data: data.replace(b'"briefTitle": ', b'"x": -Infinity, "briefTitle": ', 1)
    ),
    "single-quotes": _raw(lambda data: data.replace(b'"', b"'")),
    "comment": _raw(lambda data: b"// a comment\n" + data),
    "top-level-empty-list": lambda record: b"[]",
    "top-level-studies-empty": lambda record: b'{"studies": []}',
    "top-level-studies-numbers": lambda record: b'{"studies": [1, 2]}',
    "top-level-studies-null": lambda record: b'{"studies": null}',
    "top-level-string": lambda record: b'"NCT00973089"',
    "top-level-number": lambda record: b"42",
    "top-level-null": lambda record: b"null",
    "list-of-one-good-one-bad": lambda record: _json([record, {"protocolSection": 5}]),
    "same-study-twice": lambda record: _json({"studies": [record, record]}),
    "empty-object": lambda record: b"{}",
    "bom-only": lambda record: b"\xef\xbb\xbf",
    "whitespace-only": lambda record: b" \n\t \r\n",
    "zero-bytes": lambda record: b"",
    "binary-after-brace": lambda record: b"{\x89PNG\r\n\x1a\n\x00\x00",
}


def _xml_text(change: Callable[[str], str]) -> Callable[[bytes], bytes]:
    return lambda data: change(data.decode("utf-8")).encode("utf-8")


def _xml_nest(depth: int) -> Callable[[bytes], bytes]:
    return _xml_text(
        lambda text: text.replace("<brief_title>", "<x>" * depth + "<brief_title>", 1).replace(
            "</brief_title>", "</brief_title>" + "</x>" * depth, 1
        )
    )


_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE clinical_study [\n <!ENTITY a "lol">\n'
    + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n<clinical_study><brief_title>&j;</brief_title></clinical_study>\n"
)

XML_CASES: dict[str, Callable[[bytes], bytes]] = {
    "truncated-10pc": _truncate(0.1),
    "truncated-50pc": _truncate(0.5),
    "truncated-99pc": _truncate(0.99),
    "billion-laughs": lambda data: _LAUGHS.encode(),
    "billion-laughs-utf16": lambda data: _LAUGHS.replace(
        '"1.0"?', '"1.0" encoding="UTF-16"?'
    ).encode("utf-16"),
    "external-entity": lambda data: (
        b'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"\n<clinical_study><brief_title>&x;</brief_title></clinical_study>\n"
    ),
    "external-dtd": lambda data: data.replace(
        b"<clinical_study",
        b'<!DOCTYPE clinical_study SYSTEM "http://127.0.0.1:9/x.dtd">\n<clinical_study',
        1,
    ),
    "undefined-entity": _xml_text(
        lambda t: t.replace("</brief_title>", "&undefined;</brief_title>", 1)
    ),
    "char-ref-nul": _xml_text(lambda t: t.replace("</brief_title>", "&#0;</brief_title>", 1)),
    "char-ref-surrogate": _xml_text(
        lambda t: t.replace("</brief_title>", "&#xD800;</brief_title>", 1)
    ),
    "char-ref-huge": _xml_text(
        lambda t: t.replace("</brief_title>", "&#x110000;</brief_title>", 1)
    ),
    "nul-in-text": lambda data: data.replace(b"</brief_title>", b"\x00</brief_title>", 1),
    "utf16": lambda data: ('<?xml version="1.0" encoding="UTF-16"?>\n' + data.decode()).encode(
        "utf-16"
    ),
    "declared-latin1-is-utf8": lambda data: (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        + data.replace(b"</brief_title>", "\u00e9\u00e8</brief_title>".encode(), 1)
    ),
    "declared-klingon": lambda data: b'<?xml version="1.0" encoding="klingon"?>\n' + data,
    "latin1-bytes-undeclared": lambda data: data.replace(
        b"</brief_title>", b"caf\xe9</brief_title>", 1
    ),
    "drop-nct-id": lambda data: re.sub(rb"<nct_id>[^<]*</nct_id>", b"", data, count=1),
    "drop-id-info": lambda data: re.sub(rb"<id_info>.*?</id_info>", b"", data, count=1, flags=re.S),
    "duplicate-nct-id": lambda data: data.replace(
        b"</nct_id>", b"</nct_id><nct_id>NCT99999999</nct_id>", 1
    ),
    "empty-nct-id": lambda data: re.sub(rb"<nct_id>[^<]*</nct_id>", b"<nct_id/>", data, count=1),
    "nct-id-markup": lambda data: re.sub(
        rb"<nct_id>[^<]*</nct_id>", b"<nct_id>&lt;script&gt;</nct_id>", data, count=1
    ),
    "drop-brief-title": lambda data: re.sub(
        rb"<brief_title>.*?</brief_title>", b"", data, count=1, flags=re.S
    ),
    "phase-unknown": lambda data: re.sub(
        rb"<phase>[^<]*</phase>", b"<phase>Phase 7</phase>", data, count=1
    ),
    "enrollment-words": lambda data: re.sub(
        rb"<enrollment([^>]*)>[^<]*</enrollment>",
        rb"<enrollment\1>many</enrollment>",
        data,
        count=1,
    ),
    "enrollment-negative": lambda data: re.sub(
        rb"<enrollment([^>]*)>[^<]*</enrollment>", rb"<enrollment\1>-5</enrollment>", data, count=1
    ),
    "start-date-words": lambda data: re.sub(
        rb"<start_date([^>]*)>[^<]*</start_date>",
        rb"<start_date\1>yesterday</start_date>",
        data,
        count=1,
    ),
    "start-date-month-13": lambda data: re.sub(
        rb"<start_date([^>]*)>[^<]*</start_date>",
        rb"<start_date\1>Smarch 2020</start_date>",
        data,
        count=1,
    ),
    "root-renamed": lambda data: data.replace(b"clinical_study", b"clinical_trial"),
    "root-namespaced": lambda data: data.replace(
        b"<clinical_study", b'<x:clinical_study xmlns:x="urn:x"', 1
    ).replace(b"</clinical_study>", b"</x:clinical_study>"),
    "two-roots": lambda data: data + data,
    "nested-65": _xml_nest(65),
    "nested-100000": _xml_nest(100_000),
    "huge-text": _xml_text(
        lambda t: t.replace("</brief_title>", "ALS " * 50_000 + "</brief_title>", 1)
    ),
    "cdata-title": _xml_text(
        lambda t: re.sub(
            r"<brief_title>(.*?)</brief_title>",
            r"<brief_title><![CDATA[\1 ]]>]]></brief_title>",
            t,
            count=1,
        )
    ),
    "processing-instruction": lambda data: data.replace(
        b"<brief_title>", b"<?evil run?><brief_title>", 1
    ),
    "comments-everywhere": lambda data: data.replace(b"><", b"><!-- x --><"),
    "attribute-flood": lambda data: data.replace(
        b"<clinical_study", b"<clinical_study " + b" ".join(b'a%d="x"' % i for i in range(5000)), 1
    ),
    "unclosed-tag": lambda data: data.replace(b"</brief_title>", b"", 1),
    "mismatched-tag": lambda data: data.replace(b"</brief_title>", b"</official_title>", 1),
    "zero-bytes": lambda data: b"",
    "only-declaration": lambda data: b'<?xml version="1.0" encoding="UTF-8"?>\n',
    "html-page": lambda data: b"<html><body>Service unavailable</body></html>",
    "turtle-in-xml-suffix": lambda data: b"<urn:x> <urn:y> <urn:z> .\n",
}


def _nest_turtle(depth: int) -> Callable[[bytes], bytes]:
    return lambda data: (
        b"@prefix ex: <urn:x:> .\nex:s ex:p " + b"[ ex:p " * depth + b"1" + b" ]" * depth + b" .\n"
    )


TURTLE_CASES: dict[str, Callable[[bytes], bytes]] = {
    "truncated-10pc": _truncate(0.1),
    "truncated-50pc": _truncate(0.5),
    "truncated-99pc": _truncate(0.99),
    "integer-not-a-number": lambda data: (
        data + b'\n<urn:x:s> <urn:x:p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    ),
    "date-month-13": lambda data: (
        data + b'\n<urn:x:s> <urn:x:p> "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    ),
    "boolean-maybe": lambda data: (
        data + b'\n<urn:x:s> <urn:x:p> "maybe"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n'
    ),
    "nul-byte": lambda data: data.replace(b"\n", b"\n\x00", 1),
    "nul-in-literal": lambda data: data + b'\n<urn:x:s> <urn:x:p> "a\x00b" .\n',
    "latin1": lambda data: data + b'\n<urn:x:s> <urn:x:p> "caf\xe9" .\n',
    "utf16": lambda data: data.decode().encode("utf-16"),
    "unbound-prefix": lambda data: data + b"\nnope:s nope:p nope:o .\n",
    "iri-with-space": lambda data: data + b"\n<urn:x:a b> <urn:x:p> <urn:x:o> .\n",
    "unterminated-string": lambda data: data + b'\n<urn:x:s> <urn:x:p> "open .\n',
    "unterminated-long-string": lambda data: data + b'\n<urn:x:s> <urn:x:p> """open .\n',
    "nested-blank-nodes-100000": _nest_turtle(100_000),
    "nested-collections-100000": lambda data: (
        b"<urn:x:s> <urn:x:p> " + b"(" * 100_000 + b")" * 100_000 + b" .\n"
    ),
    "huge-literal": lambda data: data + b'\n<urn:x:s> <urn:x:p> "' + b"x" * 1_000_000 + b'" .\n',
    "bad-language-tag": lambda data: data + b'\n<urn:x:s> <urn:x:p> "a"@-- .\n',
    "literal-as-subject": lambda data: data + b'\n"a" <urn:x:p> <urn:x:o> .\n',
    "base-odd": lambda data: b"@base <::::> .\n" + data,
    "json-as-turtle": lambda data: b'{"protocolSection": {}}\n',
    "xml-as-turtle": lambda data: b"<clinical_study><nct_id>NCT1</nct_id></clinical_study>\n",
}


def write_all() -> int:
    """Write every case into tests/fixtures/hostile/ (same bytes each time); return how many."""
    record = json.loads(JSON_RECORD.read_text())
    xml = XML_RECORD.read_bytes()
    turtle = TURTLE.read_bytes()
    written = 0
    for folder, cases, source, suffix in (
        ("ctgov-json", JSON_CASES, record, ".json"),
        ("ctgov-xml", XML_CASES, xml, ".xml"),
        ("turtle", TURTLE_CASES, turtle, ".ttl"),
    ):
        target = HOSTILE / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, mutate in cases.items():
            data = mutate(copy.deepcopy(source))  # type: ignore[arg-type]
            if len(data) > 100_000:  # kept small in git; the tests unpack it
                (target / f"{name}{suffix}.gz").write_bytes(gzip.compress(data, mtime=0))
            else:
                (target / f"{name}{suffix}").write_bytes(data)
            written += 1
    return written


if __name__ == "__main__":
    print(f"wrote {write_all()} hostile cases into {HOSTILE}")  # noqa: T201
