"""Credentials for SPARQL servers: HTTP Basic, Digest or a bearer token, never on the command line.

``kg push`` and ``sparql:`` stores find credentials, in this order, in

=============================================  ===========================================
where                                          what is sent
=============================================  ===========================================
``KG_SPARQL_TOKEN``                            ``Authorization: Bearer TOKEN`` on every request
``KG_SPARQL_USER`` and ``KG_SPARQL_PASSWORD``  Basic or Digest, as the server asks (``401``)
a netrc file (``$NETRC``, else ``~/.netrc``)   the ``machine`` entry for the server's host:
                                               Basic or Digest as the server asks; with
                                               ``account bearer``, the password is a token
=============================================  ===========================================

A user name and password are sent only once the server has asked for them (its ``401``
answer names Basic or Digest). Before a request with a body (an upload, an update), a
bodiless GET learns the challenge and checks the credentials, since a server refusing an
upload hangs up before reading it; the upload then answers the challenge at once.

Credentials go in no URL, no message and no log: errors name the server, the user and where
the credentials came from, never the secret. They are not sent on to another server when a
request is redirected.
"""

from __future__ import annotations

import hashlib
import netrc
import os
import re
import threading
from base64 import b64encode
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request

from kg.errors import KgError

__all__ = [
    "PASSWORD_VARIABLE",
    "TOKEN_VARIABLE",
    "USER_VARIABLE",
    "AuthError",
    "Credentials",
    "answer_challenge",
    "answers_challenges",
    "credentials_for",
    "prepare",
]

#: The environment variable holding a bearer token.
TOKEN_VARIABLE = "KG_SPARQL_TOKEN"  # noqa: S105 - a name, not a secret
#: The environment variable holding the user name for Basic or Digest.
USER_VARIABLE = "KG_SPARQL_USER"
#: The environment variable holding the password for Basic or Digest.
PASSWORD_VARIABLE = "KG_SPARQL_PASSWORD"  # noqa: S105 - a name, not a secret

_PARAM = re.compile(r'([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')
_SCHEME = re.compile(r"(?:^|,)\s*(Basic|Digest|Bearer)\b", re.IGNORECASE)
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


class AuthError(KgError):
    """Credentials are set up wrongly (an unreadable netrc file, a half-set pair of variables)."""


@dataclass(frozen=True)
class Credentials:
    """A user and password, or a bearer token, and where they were found.

    The secrets are left out of ``repr``, so they do not show in logs or tracebacks.

    >>> Credentials(user="ann", password="s3cret", origin="KG_SPARQL_USER")
    Credentials(user='ann', origin='KG_SPARQL_USER')
    """

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    origin: str = ""

    def describe(self) -> str:
        """Say whose credentials these are and where they came from, without the secret.

        >>> Credentials(token="t", origin="KG_SPARQL_TOKEN").describe()
        'the bearer token from KG_SPARQL_TOKEN'
        >>> Credentials(user="ann", password="p", origin="~/.netrc").describe()
        "the password of user 'ann' from ~/.netrc"
        """
        if self.token is not None:
            return f"the bearer token from {self.origin}"
        return f"the password of user {self.user!r} from {self.origin}"


def credentials_for(url: str) -> Credentials | None:
    """Find the credentials for a server: environment variables first, then a netrc file.

    :param url: the server's URL (its host picks the netrc entry)
    :returns: the credentials, or None if none are set up
    :raises AuthError: if only one of the user and password variables is set, or the netrc
        file cannot be read (naming the file and line, never its content)

    >>> import os
    >>> os.environ.get("KG_SPARQL_TOKEN") is None or "set in this shell"
    True
    """
    token = os.environ.get(TOKEN_VARIABLE)
    if token:
        return Credentials(token=token, origin=TOKEN_VARIABLE)
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return Credentials(user=user, password=password, origin=USER_VARIABLE)
    if user or password:
        missing = PASSWORD_VARIABLE if user else USER_VARIABLE
        raise AuthError(f"{missing} is not set: set both {USER_VARIABLE} and {PASSWORD_VARIABLE}")
    return _from_netrc(urlsplit(url).hostname or "")


def _from_netrc(host: str) -> Credentials | None:
    """Read the credentials for ``host`` from ``$NETRC`` or ``~/.netrc``, if there is one."""
    named = os.environ.get("NETRC")
    path = Path(named) if named else Path.home() / ".netrc"
    if not path.is_file():
        return None
    shown = named or "~/.netrc"
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        # Its message may quote a token of the file (a password): give only the line.
        raise AuthError(f"{shown}, line {error.lineno}: not a valid netrc file") from None
    except OSError as error:
        raise AuthError(f"{shown}: cannot read: {error.strerror}") from None
    if entry is None:
        return None
    login, account, password = entry
    if account == "bearer":
        return Credentials(token=password, origin=shown)
    return Credentials(user=login, password=password, origin=shown)


class _Challenges:
    """The last Digest or Basic challenge of each server, to answer the next request at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_origin: dict[str, tuple[str, dict[str, str], int]] = {}

    def remember(self, origin: str, scheme: str, params: dict[str, str]) -> None:
        with self._lock:
            self._by_origin[origin] = (scheme, params, 1)  # the first answer used 1

    def next(self, origin: str) -> tuple[str, dict[str, str], int] | None:
        """Return the server's challenge and the next nonce count, if it sent one."""
        with self._lock:
            found = self._by_origin.get(origin)
            if found is None:
                return None
            scheme, params, count = found
            self._by_origin[origin] = (scheme, params, count + 1)
            return scheme, params, count + 1


_CHALLENGES = _Challenges()


def prepare(request: Request, credentials: Credentials | None) -> None:
    """Add the ``Authorization`` header a request can carry before the server asks.

    A bearer token always; a user and password only for a server that asked before.

    >>> from urllib.request import Request
    >>> r = Request("http://127.0.0.1:9/sparql")
    >>> prepare(r, Credentials(token="abc", origin="KG_SPARQL_TOKEN"))
    >>> r.unredirected_hdrs
    {'Authorization': 'Bearer abc'}
    """
    if credentials is None:
        return
    if credentials.token is not None:
        _authorize(request, f"Bearer {credentials.token}")
        return
    known = _CHALLENGES.next(_origin(request.full_url))
    if known is not None:
        scheme, params, count = known
        _authorize(request, _answer(scheme, params, count, request, credentials))


def answers_challenges(credentials: Credentials | None) -> bool:
    """Tell whether the credentials are a user and password, sent when a server asks for them.

    >>> answers_challenges(Credentials(token="t", origin="KG_SPARQL_TOKEN"))
    False
    """
    return credentials is not None and credentials.token is None


def answer_challenge(request: Request, headers: Message, credentials: Credentials | None) -> bool:
    """Answer a server's ``401``: set the request's ``Authorization`` header to send it again.

    :param request: the request that was refused
    :param headers: the ``401`` answer's headers (with ``WWW-Authenticate``)
    :param credentials: what to answer with
    :returns: True if the request should be sent again; False if there is nothing to answer
        with (no credentials, or a scheme other than Basic and Digest)

    >>> from email.message import Message
    >>> from urllib.request import Request
    >>> refused = Message()
    >>> refused["WWW-Authenticate"] = 'Basic realm="kg"'
    >>> r = Request("http://127.0.0.1:9/update")
    >>> answer_challenge(r, refused, Credentials(user="ann", password="pw", origin="doc"))
    True
    >>> r.unredirected_hdrs["Authorization"]
    'Basic YW5uOnB3'
    >>> answer_challenge(r, refused, None)
    False
    """
    if credentials is None or credentials.token is not None or credentials.user is None:
        return False
    offered = {
        scheme.lower(): _challenge_params(text, scheme)
        for text in headers.get_all("WWW-Authenticate") or []
        for scheme in _SCHEME.findall(text)
    }
    for scheme in ("digest", "basic"):
        if scheme in offered:
            params = offered[scheme]
            if scheme == "digest" and params.get("algorithm", "MD5").upper() not in _HASHES:
                continue
            _CHALLENGES.remember(_origin(request.full_url), scheme, params)
            _authorize(request, _answer(scheme, params, 1, request, credentials))
            return True
    return False


def _authorize(request: Request, value: str) -> None:
    """Set the header so that urllib does not forward it to the target of a redirect."""
    request.remove_header("Authorization")
    request.add_unredirected_header("Authorization", value)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _challenge_params(text: str, scheme: str) -> dict[str, str]:
    """Read the ``key=value`` parameters after ``scheme`` in a ``WWW-Authenticate`` value."""
    start = re.search(rf"\b{scheme}\b", text)
    rest = text[start.end() :] if start else ""
    return {
        key.lower(): value[1:-1].replace('\\"', '"') if value.startswith('"') else value
        for key, value in _PARAM.findall(rest)
    }


def _answer(
    scheme: str, params: dict[str, str], count: int, request: Request, credentials: Credentials
) -> str:
    """Make the ``Authorization`` value answering a Basic or Digest challenge (RFC 7617, 7616).

    >>> from urllib.request import Request
    >>> c = Credentials(user="Mufasa", password="Circle Of Life", origin="test")
    >>> _answer("basic", {}, 1, Request("http://h/"), c)
    'Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl'
    """
    user, password = credentials.user or "", credentials.password or ""
    if scheme == "basic":
        return "Basic " + b64encode(f"{user}:{password}".encode()).decode("ascii")
    algorithm = params.get("algorithm", "MD5").upper()
    digest = _HASHES[algorithm]

    def hashed(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    parts = urlsplit(request.full_url)
    uri = parts.path or "/"
    if parts.query:
        uri += "?" + parts.query
    first = hashed(f"{user}:{realm}:{password}")
    second = hashed(f"{request.get_method()}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
    qops = [q.strip() for q in params.get("qop", "").split(",")]
    if "auth" in qops:
        cnonce = os.urandom(8).hex()
        nc = f"{count:08x}"
        fields.update(qop="auth", nc=nc, cnonce=cnonce)
        fields["response"] = hashed(f"{first}:{nonce}:{nc}:{cnonce}:auth:{second}")
    else:
        fields["response"] = hashed(f"{first}:{nonce}:{second}")
    fields["algorithm"] = algorithm
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    unquoted = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(
        f"{key}={value}" if key in unquoted else f'{key}="{value}"'
        for key, value in fields.items()
    )
