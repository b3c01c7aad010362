"""Which source addresses are copies of a document, and how citable the graph's sources are.

A :class:`kgo:Source` names the document itself (``kgo:url``: doi.org or PubMed for a paper,
ClinicalTrials.gov for a registry record, the regulator, sec.gov, the company); the copy that was
read, when it differs, is ``kgo:copyReadAt``. Where no address of the document itself was found,
the copy stays as ``kgo:url`` and the source carries ``kgo:addressIsCopy true``.

:data:`COPY_HOSTS` is the one list of hosts whose pages are copies of someone else's document
(registry mirrors, paper archives and proxies, press-release republishers, staging hosts), each
with the reason it is on the list. A host is listed only when what it serves is known to be a
copy; a news outlet or advocacy group writing its own article is not a copy, however minor the
outlet. The list is not a rule the figures are tuned by: a source at a listed host must carry
``kgo:addressIsCopy true`` (tests/test_sources.py checks that the two agree), and the flag may
mark a copy at any other host too (a press release reposted by an advocacy site).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import KGO

__all__ = [
    "COPY_HOSTS",
    "REGISTRY_PREFIX",
    "SourceFigures",
    "copy_host",
    "is_copy_address",
    "source_figures",
    "url_host",
]

#: The address every registry-record source should have: its record at ClinicalTrials.gov.
REGISTRY_PREFIX = "https://clinicaltrials.gov/study/NCT"

_REGISTRY_MIRROR = "mirror of ClinicalTrials.gov records, not the registry"
_REPOSITORY = "institutional repository's record of a paper, not the paper"
_RELEASES = "republishes company press releases and wire copy"
_AI_SUMMARY = "machine-written summaries of other outlets' news"

#: Hosts whose pages are copies of another document, with the reason. A host matches its
#: subdomains too (``advfn.com`` covers ``jp.advfn.com``).
COPY_HOSTS: dict[str, str] = {
    # Registry mirrors and aggregators of ClinicalTrials.gov data
    "meddatax.com": _REGISTRY_MIRROR,
    "trial.medpath.com": _REGISTRY_MIRROR + "; its news pages are machine-written summaries",
    "clinicaltrialexchange.com": _REGISTRY_MIRROR,
    "ctv.veeva.com": _REGISTRY_MIRROR,
    "med.agiltrace.com": _REGISTRY_MIRROR,
    "cdek.wustl.edu": "database aggregating ClinicalTrials.gov records",
    "xogene.com": _REGISTRY_MIRROR + " (a development host)",
    "github.com": "a repository holding a snapshot of another site's data",
    # Copies of papers
    "pmc.ncbi.nlm.nih.gov": "PubMed Central's archived full text: the paper is cited by DOI/PMID",
    "scholars.duke.edu": _REPOSITORY,
    "scholars.northwestern.edu": _REPOSITORY,
    "scholars.houstonmethodist.org": _REPOSITORY,
    "experts.mcmaster.ca": _REPOSITORY,
    "repository.escholarship.umassmed.edu": _REPOSITORY,
    "togows.dbcls.jp": "web-service proxy of PubMed records",
    "47.251.13.51": "PubMed copy at a bare IP address",
    "proxy.weglot.com": "translation proxy of another site",
    "peeref.com": "aggregator of paper abstracts",
    "kiphub.com": "aggregator of paper abstracts",
    "sicm.app": "mirror of PubMed abstracts",
    "healthadviserpro.com": "page reproducing a journal's abstract",
    "stage.medifind.com": "staging host of an aggregator of paper abstracts",
    # Press-release republishers and news aggregators
    "advfn.com": _RELEASES,
    "finanznachrichten.de": _RELEASES,
    "marketscreener.com": _RELEASES,
    "4-traders.com": _RELEASES + " (MarketScreener's former name)",
    "zonebourse.com": _RELEASES + " (MarketScreener's French edition)",
    "stocktitan.net": _RELEASES,
    "menafn.com": _RELEASES,
    "markets.businessinsider.com": _RELEASES,
    "nasdaq.com": "syndicates other outlets' articles and wire releases",
    "biopharmaapac.com": _RELEASES,
    "biopharmaglobal.com": _RELEASES,
    "checkorphan.org": _RELEASES,
    "maestrodatabase.com": _RELEASES,
    "pipelinereview.com": _RELEASES,
    "app.researchpool.com": _RELEASES,
    "m2pharma.com": _RELEASES,
    "ttm.financial": _RELEASES,
    "daily8.com": _RELEASES,
    "quantisnow.com": _RELEASES,
    "biopharmaboardroom.com": _RELEASES,
    "gisweb.vwd.com": _RELEASES + " (dpa-AFX's feed)",
    "forbion.com": "an investor's site republishing its companies' releases",
    "bohrium.com": "aggregator of paper abstracts",
    "scio-apps.com": "stripped mirror of a medical news site's meeting coverage",
    "itiger.com": _RELEASES + " (Tiger Brokers, as ttm.financial)",
    "pubt.io": _RELEASES,
    "third-news.com": _AI_SUMMARY,
    "secwatch.observer": "mirror of SEC EDGAR filings",
    "polit-x.de": "aggregator reproducing EU agencies' press releases",
    "reportify.ai": _AI_SUMMARY,
    "platohealth.ai": _AI_SUMMARY,
    "particle.news": _AI_SUMMARY,
    "trends.glance.com": _AI_SUMMARY,
    "bnnbreaking.com": _AI_SUMMARY,
    "synapse.patsnap.com": _AI_SUMMARY,
    "clival.com": _AI_SUMMARY,
    "world-today-news.com": "content farm republishing other outlets' articles",
    "wallstreetwaves.com": "content farm republishing other outlets' articles",
    "pls.guidelove.org": "search-engine page summarising others' reports",
    "xavron.com.ua": "search-engine page summarising others' reports",
    # Staging and development hosts
    "platformsh.site": "development host of a publisher's site, not its public address",
    "p-web.fly.dev": "development host of an aggregator",
}


def url_host(url: str) -> str:
    """Return the host of an address, lower-cased, without ``www.`` or a port.

    >>> url_host("https://www.MedDataX.com/clinical-trials/NCT1")
    'meddatax.com'
    >>> url_host("http://47.251.13.51:8081/30636701")
    '47.251.13.51'
    """
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def copy_host(url: str) -> str | None:
    """Return the entry of :data:`COPY_HOSTS` an address falls under, or None.

    >>> copy_host("https://jp.advfn.com/exchanges/NASDAQ/NRSN/share-news/1")
    'advfn.com'
    >>> copy_host("https://clinicaltrials.gov/study/NCT04856982") is None
    True
    """
    host = url_host(url)
    labels = host.split(".")
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in COPY_HOSTS:
            return candidate
    return None


def is_copy_address(graph: Graph, source: Node) -> bool:
    """Tell whether a source's own address (``kgo:url``) is a copy of the document.

    It is when the source says so (``kgo:addressIsCopy true``) or its address is at one of
    :data:`COPY_HOSTS`.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> is_copy_address(load_curated(), KGR["src-fda-2022-09-29-relyvrio"])
    False
    """
    if (source, KGO.addressIsCopy, Literal(True)) in graph:
        return True
    return any(copy_host(str(url)) for url in graph.objects(source, KGO.url))


@dataclass(frozen=True)
class SourceFigures:
    """How citable the sources of a graph are: the counts behind the three shares.

    :param sources: every ``kgo:Source``
    :param copies: sources whose ``kgo:url`` is a copy (see :func:`is_copy_address`)
    :param papers: peer-reviewed-paper sources
    :param papers_with_id: those carrying a DOI or a PMID
    :param registry_records: registry-record sources
    :param registry_at_ctgov: those whose ``kgo:url`` is their record at ClinicalTrials.gov
    """

    sources: int
    copies: int
    papers: int
    papers_with_id: int
    registry_records: int
    registry_at_ctgov: int

    @property
    def paper_id_share(self) -> float:
        """Share of paper sources with a DOI or PMID (1.0 when there is no paper)."""
        return self.papers_with_id / self.papers if self.papers else 1.0

    @property
    def registry_share(self) -> float:
        """Share of registry-record sources at ClinicalTrials.gov (1.0 when there is none)."""
        return self.registry_at_ctgov / self.registry_records if self.registry_records else 1.0

    @property
    def copy_share(self) -> float:
        """Share of all sources whose address is a copy (0.0 when there is no source)."""
        return self.copies / self.sources if self.sources else 0.0

    def lines(self) -> list[str]:
        """Give the three figures in words, one per line.

        >>> SourceFigures(10, 1, 4, 3, 2, 2).lines()[0]
        'peer-reviewed papers with a DOI or PMID: 3/4 = 75.0%'
        """
        return [
            f"peer-reviewed papers with a DOI or PMID: {self.papers_with_id}/{self.papers}"
            f" = {self.paper_id_share:.1%}",
            f"registry records at clinicaltrials.gov: {self.registry_at_ctgov}"
            f"/{self.registry_records} = {self.registry_share:.1%}",
            f"sources whose address is a mirror or aggregator: {self.copies}/{self.sources}"
            f" = {self.copy_share:.1%}",
        ]


def _has_kind(graph: Graph, source: Node, kind: URIRef) -> bool:
    return (source, KGO.sourceKind, kind) in graph


def source_figures(graph: Graph) -> SourceFigures:
    """Count the graph's sources for the three shares of :class:`SourceFigures`.

    Papers with an identifier, registry records at the registry, addresses that are copies.

    >>> from rdflib import Graph, URIRef
    >>> g = Graph()
    >>> s = URIRef("urn:s")
    >>> _ = g.add((s, RDF.type, KGO.Source))
    >>> _ = g.add((s, KGO.url, URIRef("https://meddatax.com/clinical-trials/NCT1")))
    >>> source_figures(g).copies
    1
    """
    sources = sorted(set(graph.subjects(RDF.type, KGO.Source)), key=str)
    papers = [s for s in sources if _has_kind(graph, s, KGO.PeerReviewedPaper)]
    records = [s for s in sources if _has_kind(graph, s, KGO.RegistryRecord)]
    return SourceFigures(
        sources=len(sources),
        copies=sum(is_copy_address(graph, s) for s in sources),
        papers=len(papers),
        papers_with_id=sum(
            any(True for _ in graph.objects(s, KGO.doi))
            or any(True for _ in graph.objects(s, KGO.pmid))
            for s in papers
        ),
        registry_records=len(records),
        registry_at_ctgov=sum(
            any(str(url).startswith(REGISTRY_PREFIX) for url in graph.objects(s, KGO.url))
            for s in records
        ),
    )
