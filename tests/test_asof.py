"""As of a date: what the stored queries said then, and what is overdue.

Every test names its day: none reads the clock, so none changes with the date it runs on.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg
from kg.analysis.stats import data_date
from kg.cli import main
from kg.graph.stores import open_graph
from kg.query.parameters import ParameterError
from kg.query.sparql import Row, result_rows, run_query
from tests.test_queries import _unordered

TOFERSEN = str(kg.KGR["tofersen"])
AMX0035 = str(kg.KGR["amx0035"])
TYPE_C = str(kg.KGR["event-lenzumestrocel-fda-type-c-meeting"])
DATA = Path(__file__).resolve().parents[1] / "data"

# A graph made for the date rules: an approval dated only to a month, reported by a source
# within that month; a withdrawal dated to a day; a plan for a quarter.
RULES = """
@prefix kgo: <https://w3id.org/als-kg/ontology#> .
@prefix kgr: <https://w3id.org/als-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
kgr:t a kgo:Therapy ; rdfs:label "Testra" ; kgo:lastReviewed "2025-06-01"^^xsd:date .
kgr:s-month a kgo:Source ; kgo:url <https://example.org/month> ; kgo:date "2023-04-20"^^xsd:date .
kgr:s-day a kgo:Source ; kgo:url <https://example.org/day> ; kgo:date "2024-02-01"^^xsd:date .
kgr:s-undated a kgo:Source ; kgo:url <https://example.org/undated> .
kgr:s-plan a kgo:Source ; kgo:url <https://example.org/plan> ; kgo:date "2024-03-15"^^xsd:date .
kgr:approval a kgo:RegulatoryEvent ; rdfs:label "Approval of Testra" ; kgo:therapy kgr:t ;
    kgo:agency kgo:FDA ; kgo:jurisdiction kgr:place-US ;
    kgo:eventKind kgo:Approval ; kgo:eventStatus kgo:Occurred ; kgo:date "2023-04"^^xsd:gYearMonth ;
    prov:wasDerivedFrom kgr:s-month, kgr:s-undated .
kgr:withdrawal a kgo:RegulatoryEvent ; rdfs:label "Withdrawal of Testra" ; kgo:therapy kgr:t ;
    kgo:agency kgo:FDA ; kgo:jurisdiction kgr:place-US ; kgo:supersedes kgr:approval ;
    kgo:eventKind kgo:MarketWithdrawal ; kgo:eventStatus kgo:Occurred ;
    kgo:date "2024-01-31"^^xsd:date ;
    prov:wasDerivedFrom kgr:s-day .
kgr:plan a kgo:RegulatoryEvent ; rdfs:label "Planned resubmission of Testra" ; kgo:therapy kgr:t ;
    kgo:agency kgo:FDA ; kgo:jurisdiction kgr:place-US ;
    kgo:eventKind kgo:Submission ; kgo:eventStatus kgo:Planned ;
    kgo:expectedDate "2024-04"^^xsd:gYearMonth ; kgo:datePrecision kgo:Quarter ;
    prov:wasDerivedFrom kgr:s-plan .
kgo:FDA rdfs:label "FDA" .
kgr:place-US rdfs:label "United States" .
"""


@pytest.fixture(scope="module")
def curated() -> Graph:
    """The curated graph, loaded once."""
    return kg.load_curated()


@pytest.fixture
def rules(empty_graph: Graph) -> Graph:
    """The ontology and the graph above, on rdflib's store and on Oxigraph."""
    empty_graph += kg.load(*kg.ontology_files())
    empty_graph += Graph().parse(data=RULES, format="turtle")
    return empty_graph


def _rows(graph: Graph, name: str, as_of: str, **params: str) -> list[Row]:
    return result_rows(run_query(graph, name, {**params, "asOf": as_of}))


def _status(graph: Graph, therapy: str, as_of: str) -> str | None:
    (row,) = [r for r in _rows(graph, "pipeline-status", as_of) if r["therapy"] == therapy]
    return row["status"]


def _approvals(graph: Graph, therapy: str, as_of: str) -> list[Row]:
    return [r for r in _rows(graph, "approved-therapies", as_of) if r["therapy"] == therapy]


def test_tofersen_approved_between_2023_01_and_2023_06(curated: Graph) -> None:
    """The FDA approved tofersen on 2023-04-25: not yet on 2023-01-01, approved by 2023-06-01."""
    assert _status(curated, TOFERSEN, "2023-01-01") != "approved somewhere"
    assert _approvals(curated, TOFERSEN, "2023-01-01") == []
    assert _status(curated, TOFERSEN, "2023-06-01") == "approved somewhere"
    (approval,) = _approvals(curated, TOFERSEN, "2023-06-01")
    assert (approval["jurisdiction"], approval["date"]) == ("United States", "2023-04-25")


def test_amx0035_before_approval_approved_then_withdrawn(curated: Graph) -> None:
    """AMX0035: nothing by 2022-03-01, approved in the US by 2023-01-01, withdrawn by 2024-06-01."""
    assert _status(curated, AMX0035, "2022-03-01") not in {
        "approved somewhere",
        "withdrawn from market",
    }
    assert _approvals(curated, AMX0035, "2022-03-01") == []
    assert _status(curated, AMX0035, "2023-01-01") == "approved somewhere"
    approvals = _approvals(curated, AMX0035, "2023-01-01")
    us = [r for r in approvals if r["jurisdiction"] == "United States"]
    assert [(r["date"], r["withdrawn"]) for r in us] == [("2022-09-29", "false")]
    assert _status(curated, AMX0035, "2024-06-01") == "withdrawn from market"
    assert {r["withdrawn"] for r in _approvals(curated, AMX0035, "2024-06-01")} == {"true"}


def test_regulatory_events_and_timeline_stop_at_the_date(curated: Graph) -> None:
    """No event after the day; the FDA's tofersen approval appears from 2023-04-26."""
    events = _rows(curated, "regulatory-events", "2023-01-01")
    assert all(r["date"] is None or r["date"] < "2023" for r in events if r["status"] == "occurred")
    assert TOFERSEN not in {r["therapy"] for r in events}  # labels, not IRIs: check by name
    fda = "event-tofersen-fda-accelerated-approval"
    assert not any(fda in r["event"] for r in events)
    assert any(fda in r["event"] for r in _rows(curated, "regulatory-events", "2023-04-26"))
    assert not any(fda in r["event"] for r in _rows(curated, "regulatory-events", "2023-04-25"))
    timeline = _rows(curated, "therapy-timeline", "2023-01-01", therapy="tofersen")
    occurred = [r for r in timeline if r["status"] == "occurred"]
    assert occurred and all((r["date"] or "") < "2023" for r in occurred)
    later = _rows(curated, "therapy-timeline", "2023-06-01", therapy="tofersen")
    assert any(fda in r["event"] for r in later)


def test_overdue_plan_is_never_just_planned(curated: Graph) -> None:
    """The Q4 2025 Type C meeting: unknown on 2025-09-01, planned on 2025-12-01, overdue later."""

    def status(as_of: str) -> list[str | None]:
        rows = _rows(curated, "planned-regulatory-events", as_of)
        return [r["status"] for r in rows if r["event"] == TYPE_C]

    assert status("2025-09-01") == []  # announced on 2025-09-22
    assert status("2025-12-01") == ["planned"]
    assert status("2025-12-31") == ["planned"]  # the quarter is not over yet
    assert status("2026-01-01") == ["overdue"]
    assert status("2026-12-05") == ["overdue"]
    events = _rows(curated, "regulatory-events", "2026-12-05", status="planned")
    assert [r["status"] for r in events if r["event"] == TYPE_C] == ["overdue"]
    timeline = _rows(curated, "therapy-timeline", "2026-12-05", therapy="lenzumestrocel")
    assert [r["status"] for r in timeline if r["event"] == TYPE_C] == ["overdue"]


def test_needs_checking_lists_the_overdue_type_c_meeting(curated: Graph) -> None:
    """As of 2026-12-05 the meeting is overdue; before it was announced it is not listed."""
    rows = _rows(curated, "needs-checking", "2026-12-05")
    assert all(r["reason"] and r["check"] and r["item"] for r in rows)
    (meeting,) = [r for r in rows if r["item"] == TYPE_C]
    assert meeting["check"] == "overdue plan"
    assert "Q4 2025" in meeting["reason"] and "no outcome" in meeting["reason"]
    assert not [r for r in _rows(curated, "needs-checking", "2025-09-01") if r["item"] == TYPE_C]
    assert not [r for r in _rows(curated, "needs-checking", "2025-12-01") if r["item"] == TYPE_C]


def test_needs_checking_reasons(curated: Graph) -> None:
    """Each kind of check has a row on 2026-12-05, and none names a date after that day."""
    rows = _rows(curated, "needs-checking", "2026-12-05")
    assert {r["check"] for r in rows} == {
        "overdue plan",
        "estimate passed",
        "registry status",
        "development status",
        "sources",
    }
    assert all((r["date"] or "") < "2026-12-05" for r in rows)
    alsummit = [r for r in rows if r["item"] == str(kg.KGR["NCT04745299"])]
    assert [r["check"] for r in alsummit] == ["estimate passed"]
    assert "2026-05-03" in alsummit[0]["reason"]


def test_month_counts_once_past_or_reported(rules: Graph) -> None:
    """An approval dated 2023-04 counts from the day after its report (2023-04-20).

    Without that source it counts from 2023-05-01, once the whole month is past, never from
    2023-04-01.
    """

    def approvals(as_of: str) -> list[Row]:
        return _approvals(rules, str(kg.KGR["t"]), as_of)

    assert approvals("2023-04-01") == []
    assert approvals("2023-04-20") == []
    assert [r["date"] for r in approvals("2023-04-21")] == ["2023-04"]
    rules.remove((kg.KGR["approval"], None, kg.KGR["s-month"]))
    assert approvals("2023-04-30") == []
    assert [r["date"] for r in approvals("2023-05-01")] == ["2023-04"]


def test_day_counts_from_the_next_day_and_status_follows(rules: Graph) -> None:
    """A withdrawal on 2024-01-31 counts as of 2024-02-01: as of a day is its start."""
    testra = str(kg.KGR["t"])
    assert _status(rules, testra, "2024-01-31") == "approved somewhere"
    assert _status(rules, testra, "2024-02-01") == "withdrawn from market"
    (row,) = _approvals(rules, testra, "2024-02-01")
    assert (row["withdrawn"], row["withdrawalDate"]) == ("true", "2024-01-31")


def test_undated_source_counts_once_every_file_was_reviewed(rules: Graph) -> None:
    """The undated source is listed only from the latest review date (2025-06-01) on."""
    testra = str(kg.KGR["t"])
    (before,) = _approvals(rules, testra, "2025-05-31")
    (after,) = _approvals(rules, testra, "2025-06-02")
    assert "https://example.org/undated" not in (before["sources"] or "")
    assert "https://example.org/month" in (before["sources"] or "")
    assert "https://example.org/undated" in (after["sources"] or "")


def test_quarter_plan_overdue_after_the_quarter(rules: Graph) -> None:
    """A plan for Q2 2024 (2024-04 with quarter precision) is overdue from 2024-07-01."""

    def status(as_of: str) -> list[str | None]:
        return [r["status"] for r in _rows(rules, "planned-regulatory-events", as_of)]

    assert status("2024-03-15") == []  # announced that day: known from the next
    assert status("2024-06-30") == ["planned"]
    assert status("2024-07-01") == ["overdue"]
    checks = _rows(rules, "needs-checking", "2024-07-01")
    assert [(r["check"], r["reason"]) for r in checks if r["item"] == str(kg.KGR["plan"])] == [
        ("overdue plan", "planned for Q2 2024; that is past and no outcome is recorded")
    ]


def test_default_is_the_injected_today(curated: Graph) -> None:
    """Without asOf, the queries answer for `today`, which a caller can give."""
    day = datetime.date(2023, 1, 1)
    for name in ("pipeline-status", "approved-therapies", "needs-checking"):
        implicit = result_rows(run_query(curated, name, today=day))
        assert implicit == _rows(curated, name, day.isoformat()), name


def test_as_of_must_be_a_date(curated: Graph) -> None:
    """A malformed date is refused with the parameter's name."""
    with pytest.raises(ParameterError, match="'asOf' takes a date"):
        run_query(curated, "pipeline-status", {"asOf": "last year"})


def test_cli_as_of(runner: CliRunner) -> None:
    """`kg query pipeline-status -p asOf=...` answers for that day; a bad date exits 2."""

    def status(as_of: str) -> str | None:
        args = ["query", "pipeline-status", "-p", f"asOf={as_of}", "--format", "json"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        (row,) = [r for r in json.loads(result.output) if r["therapy"] == TOFERSEN]
        return row["status"]

    assert status("2023-01-01") is None
    assert status("2023-06-01") == "approved somewhere"
    args = ["query", "needs-checking", "-p", "asOf=2026-12-05", "--format", "json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert TYPE_C in {row["item"] for row in json.loads(result.output)}
    bad = runner.invoke(main, ["query", "pipeline-status", "-p", "asOf=2023-13-01"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_as_of_on_oxigraph_matches_memory(curated: Graph) -> None:
    """The same rows on Oxigraph as on rdflib's store, for each query and a past day."""
    pytest.importorskip("pyoxigraph")
    pytest.importorskip("oxrdflib")
    oxigraph = open_graph("oxigraph-memory")
    oxigraph += curated
    for name, params in [
        ("pipeline-status", {}),
        ("approved-therapies", {}),
        ("regulatory-events", {}),
        ("planned-regulatory-events", {}),
        ("needs-checking", {}),
        ("therapy-timeline", {"therapy": "tofersen"}),
    ]:
        for as_of in ("2023-01-01", "2026-12-05"):
            memory_rows = _rows(curated, name, as_of, **params)
            oxigraph_rows = _rows(oxigraph, name, as_of, **params)
            assert _unordered(memory_rows) == _unordered(oxigraph_rows), (name, as_of)


def test_every_therapy_file_states_its_review_date(curated: Graph) -> None:
    """Each therapy carries kgo:lastReviewed, stated right after its file's @prefix block."""
    therapies = set(curated.subjects(kg.KGO.developmentStatus, None))
    reviewed = set(curated.subjects(kg.KGO.lastReviewed, None))
    assert therapies <= reviewed
    for file in sorted(DATA.glob("*.ttl")):
        text = file.read_text(encoding="utf-8")
        if not re.search(r"^kgr:\S+ a kgo:Therapy\b", text, re.M):
            continue
        after_prefixes = text.split("\n@prefix")[-1].split("\n", 1)[1].lstrip("\n")
        statement = r'kgr:\S+ kgo:lastReviewed "\d{4}-\d{2}-\d{2}"\^\^xsd:date \.'
        assert re.match(statement, after_prefixes), file


def test_review_dates_are_not_after_the_files_last_commit() -> None:
    """kgo:lastReviewed is the day of the last commit that changed the file's facts.

    So it can be no later than the file's last commit (skipped outside a git checkout).
    """
    try:
        tracked = subprocess.run(
            ["git", "-C", str(DATA), "ls-files", "*.ttl"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not tracked:
        pytest.skip("the data files are not tracked")
    for name in tracked:
        file = DATA / name
        dates = re.findall(r'kgo:lastReviewed "(\d{4}-\d{2}-\d{2})"', file.read_text("utf-8"))
        last_commit = subprocess.run(
            ["git", "-C", str(DATA), "log", "-1", "--format=%cs", "--", name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert all(date <= last_commit for date in dates), (name, dates, last_commit)


def test_data_date_is_the_latest_review(curated: Graph) -> None:
    """The graph's data date is the latest kgo:lastReviewed; `kg stats` prints it."""
    latest = max(str(d) for d in curated.objects(None, kg.KGO.lastReviewed))
    assert data_date(curated) == datetime.date.fromisoformat(latest)
    result = CliRunner().invoke(main, ["stats", "--format", "json"])
    assert json.loads(result.output)[0]["dataDate"] == latest


def test_report_shows_what_needs_checking(tmp_path: Path) -> None:
    """The report lists the needs-checking rows of its day; an overdue plan says "overdue"."""
    from kg.publish.report import build_report

    graph = kg.load_curated()
    day = datetime.date(2026, 12, 5)
    site = build_report(graph, tmp_path / "site", today=day).parent
    index = re.sub(r"\s+", " ", (site / "index.html").read_text(encoding="utf-8"))
    rows = _rows(graph, "needs-checking", day.isoformat())
    assert rows and "Needs checking" in index and "As of 2026-12-05" in index
    for row in rows:
        assert html_escape(row["reason"] or "") in index, row
    assert f"data reviewed up to {data_date(graph)}" in index
    page = (site / "lenzumestrocel.html").read_text(encoding="utf-8")
    label = "Planned FDA Type C meeting on the ALSummit dataset and subgroup efficacy"
    status_cell = page.split(label)[0].rsplit("<tr", 1)[1]
    assert "overdue" in status_cell and ">planned<" not in status_cell, status_cell
    assert "planned for Q4 2025; that is past and no outcome is recorded" in page
    assert f"Last reviewed against its sources on {_review(graph, 'lenzumestrocel')}" in page
    # Another day, another list: before the meeting was announced it is not there.
    earlier = build_report(graph, tmp_path / "earlier", today=datetime.date(2025, 9, 1)).parent
    earlier_page = (earlier / "lenzumestrocel.html").read_text(encoding="utf-8")
    assert "planned for Q4 2025" not in earlier_page


def html_escape(text: str) -> str:
    """Escape text as Jinja's autoescape does."""
    from markupsafe import escape

    return str(escape(text))


def _review(graph: Graph, name: str) -> str:
    return str(graph.value(kg.KGR[name], kg.KGO.lastReviewed))
