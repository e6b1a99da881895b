"""Public keys named by OB 3.0 proofs and VC-JWT headers: did:key, did:web and HTTP(S) key documents.

Nothing here trusts a key on its own say-so without telling: ``ResolvedKey.confirmed`` is False when
the key came from the credential itself (a multikey in the verification method's fragment, the 1EdTech
convention, or a ``jwk`` JOSE header) and its controller's document did not list it.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwcrypto import jwk
from jwcrypto.common import JWException

from ..errors import OpenBadgesError
from .model import Fetcher, FetchError

# Multicodec prefix of an Ed25519 public key (varint 0xed), as in z6Mk... multikeys.
ED25519_MULTICODEC = b"\xed\x01"
# Multicodec prefix of a P-256 public key (varint 0x1200), compressed point, as in zDn... multikeys.
_P256_MULTICODEC = b"\x80\x24"
_MAX_DOCUMENT_DEPTH = 64


class KeyResolutionError(OpenBadgesError):
    """The verification method does not lead to a usable public key (the message says why)."""


class RemoteDocumentError(KeyResolutionError):
    """A document needed for verification could not be fetched or read."""


@dataclass(frozen=True)
class ResolvedKey:
    public_key: Any  # a pyca/cryptography public key (Ed25519, RSA or EC)
    method_id: str
    controller: str | None  # the DID or URL that owns the key, per the document that gave it
    confirmed: bool  # False: the key is only asserted by the credential itself


def ed25519_from_multibase(value: str) -> Ed25519PublicKey:
    """A ``z6Mk...`` multikey (base58btc, Ed25519 multicodec) as a public key."""
    raw = _multibase_bytes(value)
    if len(raw) != 34 or not raw.startswith(ED25519_MULTICODEC):
        raise KeyResolutionError(f"not an Ed25519 multikey: {value!r:.80}")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def p256_from_multikey_bytes(raw: bytes) -> ec.EllipticCurvePublicKey:
    """A P-256 multikey's bytes (multicodec 0x1200, compressed point) as a public key."""
    if len(raw) != 35 or not raw.startswith(_P256_MULTICODEC):
        raise KeyResolutionError("not a P-256 multikey (multicodec 0x1200, compressed point)")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
    except ValueError as error:
        raise KeyResolutionError("the P-256 multikey is not a point of the curve") from error


def key_from_multibase(value: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """A ``z6Mk...`` (Ed25519) or ``zDn...`` (P-256) multikey as a public key."""
    raw = _multibase_bytes(value)
    if raw.startswith(_P256_MULTICODEC):
        return p256_from_multikey_bytes(raw)
    return ed25519_from_multibase(value)


def is_multikey(value: str) -> bool:
    try:
        key_from_multibase(value)
    except KeyResolutionError:
        return False
    return True


def _multibase_bytes(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyResolutionError(f"not a base58btc multibase key: {value!r:.80}")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise KeyResolutionError(f"not a base58btc multibase key: {value!r:.80}") from error


def key_from_jwk(value: object) -> Any:
    """A public JWK (RSA, EC or OKP Ed25519) as a pyca public key; private members are refused."""
    if not isinstance(value, Mapping):
        raise KeyResolutionError("the JWK is not an object")
    if "d" in value:
        # A published private key means anyone could have signed: never a proof of anything.
        raise KeyResolutionError("the JWK holds a private key")
    try:
        key = jwk.JWK(**{k: v for k, v in value.items() if isinstance(k, str)})
        return key.get_op_key("verify")
    except (JWException, ValueError, TypeError, KeyError) as error:
        raise KeyResolutionError(f"unusable JWK: {error}") from error


def key_from_method(method: Mapping[str, Any]) -> Any:
    """The public key of a verification method object (Multikey, Ed25519VerificationKey2018/2020, JWK)."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return key_from_multibase(method["publicKeyMultibase"])
    if "publicKeyJwk" in method:
        return key_from_jwk(method["publicKeyJwk"])
    if isinstance(method.get("publicKeyBase58"), str):  # Ed25519VerificationKey2018
        try:
            return Ed25519PublicKey.from_public_bytes(base58.b58decode(method["publicKeyBase58"]))
        except ValueError as error:
            raise KeyResolutionError("unusable publicKeyBase58") from error
    raise KeyResolutionError(f"verification method {method.get('id')!r:.120} holds no supported key")


def resolve_verification_method(method_id: str, *, fetcher: Fetcher) -> ResolvedKey:
    """Find the public key that ``method_id`` (a proof's verificationMethod or a JWS ``kid``) names."""
    if not isinstance(method_id, str) or not method_id:
        raise KeyResolutionError("the verification method is missing")
    parts = urlsplit(method_id)
    scheme = parts.scheme.lower()
    if not scheme:
        raise KeyResolutionError(f"the verification method is not a URI (no scheme): {method_id!r:.120}")
    if scheme == "did":
        return _resolve_did(method_id, fetcher)
    if scheme in ("http", "https"):
        if is_multikey(parts.fragment):
            return _fragment_key(method_id, fetcher)
        return _resolve_http(method_id, fetcher)
    raise KeyResolutionError(f"unsupported verification method scheme {scheme!r:.40}")


def did_web_url(did: str) -> str:
    """Where a did:web DID document lives (did:web:host%3A8080:a:b -> https://host:8080/a/b/did.json)."""
    segments = did.split(":")[2:]
    if not segments or not segments[0]:
        raise KeyResolutionError(f"malformed did:web {did!r:.120}")
    host = unquote(segments[0])
    if "/" in host or "@" in host:
        raise KeyResolutionError(f"malformed did:web host {host!r:.80}")
    path = "/".join(unquote(segment) for segment in segments[1:]) or ".well-known"
    return f"https://{host}/{path}/did.json"


def fetch_json(fetcher: Fetcher, url: str, what: str) -> Any:
    """A remote JSON document; RemoteDocumentError saying what failed otherwise."""
    try:
        answer = fetcher.fetch(url)
    except FetchError as error:
        raise RemoteDocumentError(f"could not fetch the {what} at {url}: {error}") from error
    if answer.status != 200:
        raise RemoteDocumentError(f"the {what} at {url} answered HTTP {answer.status}")
    try:
        return json.loads(answer.body)
    except (ValueError, RecursionError) as error:
        raise RemoteDocumentError(f"the {what} at {url} is not JSON") from error


def _resolve_did(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    did, _, fragment = method_id.partition("#")
    method = did.split(":")[1] if did.count(":") >= 2 else ""
    if method == "key":
        multikey = did.split(":", 2)[2]
        if fragment and fragment != multikey:
            raise KeyResolutionError("a did:key fragment must repeat the key")
        # The DID is the key itself: nothing to fetch, nothing to confirm.
        return ResolvedKey(key_from_multibase(multikey), method_id, did, confirmed=True)
    if method == "web":
        document = fetch_json(fetcher, did_web_url(did), "DID document")
        if not isinstance(document, Mapping) or document.get("id") != did:
            raise KeyResolutionError(f"the DID document of {did} does not describe {did}")
        if not fragment:
            raise KeyResolutionError("a did:web verification method needs a fragment naming the key")
        found = _find_method(document, method_id, did, require_assertion=True)
        controller = found.get("controller", did)
        return ResolvedKey(key_from_method(found), method_id, str(controller), confirmed=True)
    raise KeyResolutionError(f"unsupported DID method {method!r:.40} (did:key and did:web are)")


def _resolve_http(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    url = method_id.split("#", 1)[0]
    document = fetch_json(fetcher, url, "key document")
    if not isinstance(document, Mapping):
        raise KeyResolutionError(f"the key document at {url} is not an object")
    if document.get("id") == method_id and _holds_key(document):
        # The URL is the key itself (a Multikey / JsonWebKey document).
        controller = document.get("controller")
        return ResolvedKey(key_from_method(document), method_id, _str_or_none(controller), confirmed=True)
    found = _find_method(document, method_id, str(document.get("id", url)), require_assertion=False)
    controller = found.get("controller", document.get("id", url))
    return ResolvedKey(key_from_method(found), method_id, _str_or_none(controller), confirmed=True)


def _fragment_key(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    """The 1EdTech convention ``<controller URL>#<multikey>``: the key is in the identifier itself.

    1EdTech's validator accepts it as is. Besace also asks the controller's document: if that document
    lists keys and not this one, the credential lies about its key; if it lists none or cannot be had,
    the key stays unconfirmed and the caller says so.
    """
    controller, _, multikey = method_id.partition("#")
    key = key_from_multibase(multikey)
    return ResolvedKey(key, method_id, controller, confirmed=confirm_key(key, controller, fetcher=fetcher))


def confirm_key(key: Any, controller: str, *, fetcher: Fetcher) -> bool:
    """Whether the controller's document (issuer profile) lists ``key``.

    False when the document cannot be had or lists no key; KeyResolutionError when it lists keys and
    not this one, since the credential then names a key its issuer does not own.
    """
    if urlsplit(controller).scheme.lower() not in ("http", "https"):
        return False
    try:
        document = fetch_json(fetcher, controller.split("#", 1)[0], "issuer profile")
    except RemoteDocumentError:
        return False
    listed = list(_methods(document)) if isinstance(document, Mapping) else []
    for method in listed:
        try:
            if key_from_method(method) == key:
                return True
        except KeyResolutionError:
            continue
    if listed:
        raise KeyResolutionError(f"the issuer profile at {controller:.120} lists other keys, not this one")
    return False


def _find_method(
    document: Mapping[str, Any], method_id: str, base: str, *, require_assertion: bool
) -> Mapping[str, Any]:
    by_id = {_absolute(m.get("id"), base): m for m in _methods(document) if isinstance(m.get("id"), str)}
    found = by_id.get(method_id)
    if found is None:
        raise KeyResolutionError(f"{method_id:.160} is not listed in its controller's document")
    if require_assertion:
        # A key listed only for authentication must not sign credentials.
        assertion = document.get("assertionMethod")
        entries = assertion if isinstance(assertion, list) else [assertion]
        ids = {_absolute(e.get("id") if isinstance(e, Mapping) else e, base) for e in entries}
        if method_id not in ids:
            raise KeyResolutionError(f"{method_id:.160} is not an assertion method of its controller")
    return found


def _methods(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every embedded verification method object of a DID document or issuer profile."""
    for key in ("verificationMethod", "assertionMethod", "publicKey"):
        value = document.get(key)
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, Mapping) and _holds_key(entry):
                yield entry


def _holds_key(entry: Mapping[str, Any]) -> bool:
    return any(k in entry for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58"))


def _absolute(value: object, base: str) -> str | None:
    if not isinstance(value, str):
        return None
    return base.split("#", 1)[0] + value if value.startswith("#") else value


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
