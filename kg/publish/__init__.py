"""Publishing: the dataset's description, the HTML report and its pictures, the server.

- :mod:`kg.publish.dataset`: the DCAT/VoID description of the graph
- :mod:`kg.publish.report`, :mod:`kg.publish.pictures`: a static site, one page per therapy
- :mod:`kg.publish.server`: ``kg serve``, a read-only SPARQL endpoint and page (``web/``)
"""

from __future__ import annotations

__all__: list[str] = []
