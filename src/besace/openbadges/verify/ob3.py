"""Verification of Open Badges 3.0 credentials (W3C Verifiable Credentials), without Django.

``verify_ob3`` follows the OB 3.0 verification order: structure → proof → status → validity dates →
recipient → image. Proofs are Data Integrity (eddsa-rdfc-2022, eddsa-jcs-2022, the older
eddsa-2022 and Ed25519Signature2020, and ecdsa-sd-2023 derived proofs) or a compact JWS (VC-JWT /
VC 2.0 JOSE). Every remote document (DID documents, key documents, status lists, issuer profiles)
comes through the caller's Fetcher; JSON-LD contexts never do (see ``jsonld_contexts``).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .. import jsonld_contexts
from ..errors import OpenBadgesError
from ..hashing import identity_matches
from ..signing import is_compact_jws
from . import data_integrity, vc_jwt
from .data_integrity import ContextError, ContextLoader, ProofError
from .dates import validity_problem
from .did import KeyResolutionError, ResolvedKey, resolve_verification_method
from .model import (
    CHECK_EXPIRY,
    CHECK_IMAGE,
    CHECK_RECIPIENT,
    CHECK_REVOCATION,
    CHECK_SIGNATURE,
    CHECK_STRUCTURE,
    Check,
    Fetcher,
    NormalisedBadge,
    VerificationError,
    VerificationResult,
)
from .ob3_normalise import email_identities, image_url, normalise
from .ob3_structure import VC1_CONTEXT, envelope_problems, schema_problems, types_of
from .status import ListVerifier, check_status

# Far above any real badge (1EdTech's largest sample is 31 kB); bounds canonicalisation work.
MAX_CREDENTIAL_BYTES = 1024 * 1024


def verify_ob3(
    credential: dict[str, Any] | str,
    *,
    fetcher: Fetcher,
    recipient_emails: Sequence[str] = (),
    now: datetime | None = None,
    load_context: ContextLoader = jsonld_contexts.load_context,
) -> VerificationResult:
    """Verify an OB 3.0 credential: a parsed JSON-LD object, its JSON text, or a compact JWS.

    ``load_context`` answers JSON-LD context URLs; keep the default (the contexts shipped with
    Besace) outside tests, and never pass one that fetches. Raises VerificationError, and nothing
    else, when the input cannot be verified at all.
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # a naive "now" is taken as UTC
    try:
        return _Verification(fetcher, recipient_emails, moment, load_context).run(credential)
    except VerificationError:
        raise
    except (OpenBadgesError, RecursionError, MemoryError) as error:
        raise VerificationError(f"this credential cannot be verified: {error}") from error


class _Verification:
    def __init__(self, fetcher: Fetcher, emails: Sequence[str], now: datetime, load_context: ContextLoader):
        self.fetcher, self.emails, self.now, self.load_context = fetcher, emails, now, load_context
        self.checks: list[Check] = []
        self.messages: list[str] = []
        self.revocation_reason: str | None = None

    def run(self, given: dict[str, Any] | str) -> VerificationResult:
        document, original, jwt = _read_input(given)
        credential = jwt.credential if jwt else document
        fatal = envelope_problems(credential)
        if not fatal and not jwt:
            fatal = self._jsonld_problems(credential)
        if fatal:
            self.checks.append(Check(CHECK_STRUCTURE, False, "; ".join(fatal)))
            return self._result(None)
        # The rest of the schema: reported, but the proof, status and dates are still worth checking.
        problems = schema_problems(credential) + (vc_jwt.claim_problems(jwt) if jwt else [])
        message = "; ".join(problems) or "a well-formed Open Badges 3.0 credential"
        self.checks.append(Check(CHECK_STRUCTURE, not problems, message))
        if credential["@context"][0] == VC1_CONTEXT:
            self.messages.append("Uses the Verifiable Credentials 1.1 data model; OB 3.0 now uses 2.0.")
        badge = normalise(
            credential, verification_type="vc-jwt" if jwt else "data-integrity", original=original
        )

        if jwt:
            self._check_jwt(jwt, credential)
        else:
            self._check_proofs(credential)
        # Asked even when the proof fails: that the issuer revoked the badge is worth knowing too.
        self._check_status(credential)
        self._check_dates(credential, jwt)
        self._check_recipient(credential)
        self._check_image(credential)
        if self.revocation_reason:
            badge = replace(badge, revocation_reason=self.revocation_reason)
        return self._result(badge)

    def _result(self, badge: NormalisedBadge | None) -> VerificationResult:
        valid = all(check.passed for check in self.checks)
        return VerificationResult(valid, "3.0", tuple(self.checks), badge, tuple(self.messages))

    def _jsonld_problems(self, credential: Mapping[str, Any]) -> list[str]:
        """Data Integrity proofs need the JSON-LD to be processable with the shipped contexts only."""
        try:
            data_integrity.rdfc({k: v for k, v in credential.items() if k != "proof"}, self.load_context)
        except ContextError as error:
            return [str(error)]
        return []

    # --- proof -------------------------------------------------------------------------------------
    def _check_proofs(self, credential: Mapping[str, Any]) -> bool:
        proofs = [p for p in _as_list(credential.get("proof")) if isinstance(p, Mapping)]
        verified, failures = [], []
        for proof in proofs:
            if not data_integrity.is_supported(proof):
                kind = proof.get("cryptosuite") or proof.get("type")
                self.messages.append(
                    f"A proof of type {kind!r:.60} was not checked: Besace does not support it."
                )
                continue
            if proof.get("cryptosuite") == "eddsa-2022":
                self.messages.append("The proof uses eddsa-2022, the deprecated name of eddsa-rdfc-2022.")
            try:
                key = resolve_verification_method(
                    str(proof.get("verificationMethod", "")), fetcher=self.fetcher
                )
                data_integrity.verify_proof(credential, proof, key.public_key, self.load_context)
                self._bind_key(key, _issuer_id(credential))
                verified.append(proof)
            except (KeyResolutionError, ProofError, ContextError) as error:
                failures.append(str(error))
        if failures:
            return self._fail(CHECK_SIGNATURE, f"the proof does not verify: {failures[0]}")
        if not verified:
            return self._fail(
                CHECK_SIGNATURE,
                "no proof Besace can check (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-sd-2023, "
                "Ed25519Signature2020 or a VC-JWT)"
                if proofs
                else "the credential has no proof",
            )
        self.checks.append(Check(CHECK_SIGNATURE, True, f"{len(verified)} valid proof(s) by the issuer"))
        return True

    def _check_jwt(self, jwt: vc_jwt.DecodedJwt, credential: Mapping[str, Any]) -> bool:
        issuer_id = _issuer_id(credential)
        try:
            key = vc_jwt.verify_signature(jwt, fetcher=self.fetcher, issuer_id=issuer_id)
            self._bind_key(key, issuer_id)
        except KeyResolutionError as error:
            return self._fail(CHECK_SIGNATURE, f"the JWS signature does not verify: {error}")
        if "proof" in credential:
            self.messages.append(
                "The embedded proof inside the VC-JWT was not checked; the JWS signature was."
            )
        self.checks.append(Check(CHECK_SIGNATURE, True, "valid JWS signature by the issuer"))
        return True

    def _bind_key(self, key: ResolvedKey, issuer_id: str | None) -> None:
        """The signing key must belong to the issuer, as far as the issuer's identifier lets us tell."""
        provable = issuer_id is not None and urlsplit(issuer_id).scheme.lower() in ("did", "http", "https")
        if key.controller is not None and issuer_id is not None and key.controller != issuer_id:
            if provable:
                raise KeyResolutionError(
                    f"the key belongs to {key.controller:.120}, not to the issuer {issuer_id:.120}"
                )
            self.messages.append(
                f"The issuer id {issuer_id!r:.100} cannot be tied to the signing key ({key.controller:.100})."
            )
        if not key.confirmed:
            self.messages.append(
                "The signing key is given by the credential itself and is not confirmed by a document of "
                "the issuer: the signature shows the badge is intact, not who issued it."
            )

    # --- status, dates, recipient, image -------------------------------------------------------------
    def _check_status(self, credential: Mapping[str, Any]) -> None:
        outcome = check_status(
            credential,
            fetcher=self.fetcher,
            now=self.now,
            verify_list=status_list_verifier(self.fetcher, self.load_context),
        )
        if outcome is None:
            self.checks.append(Check(CHECK_REVOCATION, True, "the credential declares no status to check"))
            return
        self.messages.extend(outcome.warnings)
        self.revocation_reason = outcome.revocation_reason
        self.checks.append(Check(CHECK_REVOCATION, outcome.passed, outcome.message))

    def _check_dates(self, credential: Mapping[str, Any], jwt: vc_jwt.DecodedJwt | None) -> None:
        problem = validity_problem(credential, self.now)
        if problem is None and jwt is not None:
            problem = vc_jwt.claim_validity_problem(jwt.claims, self.now)
        self.checks.append(Check(CHECK_EXPIRY, problem is None, problem or "within its validity period"))

    def _check_recipient(self, credential: Mapping[str, Any]) -> None:
        if not self.emails:
            return
        identities = email_identities(_subject(credential))
        matched = any(
            identity_matches(
                {
                    "identity": i["identityHash"],
                    "type": "email",
                    "hashed": i.get("hashed"),
                    "salt": i.get("salt"),
                },
                email,
            )
            for i in identities
            for email in self.emails
        )
        if matched:
            self.checks.append(Check(CHECK_RECIPIENT, True, "awarded to one of your e-mail addresses"))
        elif identities:
            self.checks.append(Check(CHECK_RECIPIENT, False, "awarded to another e-mail address"))
        else:
            self.checks.append(Check(CHECK_RECIPIENT, False, "the credential names no e-mail recipient"))

    def _check_image(self, credential: Mapping[str, Any]) -> None:
        achievement = _subject(credential).get("achievement")
        achievement = achievement if isinstance(achievement, Mapping) else {}
        if image_url(achievement.get("image")) or image_url(credential.get("image")):
            self.checks.append(Check(CHECK_IMAGE, True, "the achievement has an image"))
        else:
            self.messages.append("The achievement has no image (optional in Open Badges 3.0).")

    def _fail(self, name: str, message: str) -> bool:
        self.checks.append(Check(name, False, message))
        return False


def status_list_verifier(
    fetcher: Fetcher, load_context: ContextLoader = jsonld_contexts.load_context
) -> ListVerifier:
    """Checks a status list credential: trusted only with a valid Data Integrity proof by its issuer."""

    def problem(status_list: Mapping[str, Any]) -> str | None:
        proofs = [p for p in _as_list(status_list.get("proof")) if isinstance(p, Mapping)]
        supported = [p for p in proofs if data_integrity.is_supported(p)]
        if not supported:
            return "it has no proof Besace can check"
        try:
            for proof in supported:
                method = str(proof.get("verificationMethod", ""))
                key = resolve_verification_method(method, fetcher=fetcher)
                data_integrity.verify_proof(status_list, proof, key.public_key, load_context)
                issuer = _issuer_id(status_list)
                if key.controller is not None and issuer is not None and key.controller != issuer:
                    return f"it is signed by {key.controller:.100}, not by its issuer"
        except (KeyResolutionError, ProofError, ContextError) as error:
            return str(error)
        return None

    return problem


def _read_input(given: object) -> tuple[dict[str, Any], str, vc_jwt.DecodedJwt | None]:
    """(credential, original text, decoded JWT or None); VerificationError when it is neither."""
    if isinstance(given, str):
        text = given.strip()
        if len(text.encode("utf-8", "surrogatepass")) > MAX_CREDENTIAL_BYTES:
            raise VerificationError("the credential is too large")
        if is_compact_jws(text):
            jwt = vc_jwt.decode(text)
            return jwt.credential, text, jwt
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise VerificationError("neither JSON nor a compact JWS") from error
        if not isinstance(document, dict):
            raise VerificationError("the credential is not a JSON object")
        return document, text, None
    if isinstance(given, dict):
        try:
            text = json.dumps(given, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError) as error:
            raise VerificationError("the credential is not plain JSON data") from error
        if len(text.encode("utf-8", "surrogatepass")) > MAX_CREDENTIAL_BYTES:
            raise VerificationError("the credential is too large")
        return given, text, None
    raise VerificationError("a credential must be a JSON object or a string")


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return issuer if isinstance(issuer, str) else None


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    return subject if isinstance(subject, Mapping) else {}


def _as_list(value: object) -> list[Any]:
    return types_of(value)
