"""Real SPARQL servers started by the tests: Oxigraph (PyPI) and Virtuoso (Debian), on loopback.

Both run on a folder of their own that outlives a restart, so a test can kill one mid-way
and start it again on what it had committed. Virtuoso's graph store and update endpoints
(``/sparql-graph-crud-auth``, ``/sparql-auth``) need HTTP Digest: the server gets a random
``dba`` password, which the tests hand to ``kg`` through the environment only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.graph.endpoints import EndpointError, request
from kg.graph.stores import open_graph
from kg.query.sparql import result_rows

#: Graph names the tests make (the rest of a Virtuoso database is its own system graphs).
TEST_GRAPHS = ("urn:x:", "urn:x-kg-push:", "https://w3id.org/als-kg/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _missing(message: str) -> None:
    """Skip (fail on CI, where every server must be there) when a server is not installed."""
    if os.environ.get("CI") and "virtuoso" not in message:
        pytest.fail(message)
    pytest.skip(message)


class SparqlServer:
    """A SPARQL server child process; subclasses say how to start it and where it listens."""

    kind = ""
    #: environment variables that give kg the server's credentials
    env: dict[str, str]

    def __init__(self, location: Path) -> None:
        self.location = location
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {}

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    @property
    def endpoint(self) -> str:
        """The ``--endpoint`` value of ``kg push``: query, update and Graph Store URLs."""
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> SparqlServer:
        log = (self.location.parent / f"{self.kind}.log").open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                request(f"{self.query_url}?query=ASK%7B%7D", timeout=2)
                return self
            except EndpointError:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"{self.kind} exited with {self.process.returncode}"
                    ) from None
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} did not start within 120 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def count(self, graph: str) -> int:
        store = open_graph(f"sparql:{self.query_url}")
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(result_rows(rows)[0]["n"] or 0)

    def graphs(self) -> set[str]:
        """The named graphs that hold triples, among those the tests make."""
        store = open_graph(f"sparql:{self.query_url}")
        rows = result_rows(store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return {str(row["g"]) for row in rows if str(row["g"]).startswith(TEST_GRAPHS)}


class OxigraphServer(SparqlServer):
    """``oxigraph serve``, from the PyPI package ``oxigraph`` (in the test extra)."""

    kind = "oxigraph"

    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def endpoint(self) -> str:
        return self.url

    def command(self) -> list[str]:
        beside = Path(sys.executable).parent / "oxigraph"
        found = beside if beside.exists() else shutil.which("oxigraph")
        if found is None:
            _missing("the oxigraph server is not installed: pip install oxigraph (the test extra)")
        return [
            str(found),
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer(SparqlServer):
    """Debian's ``virtuoso-opensource`` (``virtuoso-t``), with its own database and ini."""

    kind = "virtuoso"

    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self.http_port, self.sql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.password = "s3cret-" + secrets.token_hex(12)
        self.env = {"KG_SPARQL_USER": "dba", "KG_SPARQL_PASSWORD": self.password}
        self._password_set = False

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def endpoint(self) -> str:
        return f"{self.url}/sparql,{self.url}/sparql-auth,{self.url}/sparql-graph-crud-auth"

    def command(self) -> list[str]:
        binary = shutil.which("virtuoso-t")
        if binary is None or shutil.which("isql-vt") is None:
            _missing(
                "Virtuoso is not installed (apt-get install virtuoso-opensource; scripts/test "
                "does it when run as root): the Virtuoso tests are skipped"
            )
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(db=self.location, sql_port=self.sql_port, http_port=self.http_port)
        )
        return [str(binary), "-f", "-c", str(ini)]

    def start(self) -> VirtuosoServer:
        super().start()
        if not self._password_set:  # the new database's dba password is "dba"
            subprocess.run(
                [
                    "isql-vt",
                    f"127.0.0.1:{self.sql_port}",
                    "dba",
                    "dba",
                    f"EXEC=user_set_password('dba', '{self.password}');",
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            self._password_set = True
        return self

    def reset(self) -> None:
        """Drop the graphs earlier tests left (the server is shared by a module's tests)."""
        graphs = self.graphs()
        if graphs:
            self.sql(" ".join(f"SPARQL CLEAR GRAPH <{graph}>;" for graph in sorted(graphs)))

    def sql(self, statement: str) -> None:
        subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", self.password, f"EXEC={statement}"],
            check=True,
            capture_output=True,
            timeout=120,
        )


SERVERS = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}
