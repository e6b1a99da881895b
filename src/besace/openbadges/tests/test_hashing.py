import hashlib

from besace.openbadges.hashing import hash_identity, identity_matches, new_salt, normalise_email

VECTOR_HASH = "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"


def test_it_matches_the_validator_core_test_vector():
    assert hash_identity("nobody@example.org", "deadsea") == VECTOR_HASH


def test_it_normalises_emails_by_trimming_and_lower_casing():
    assert normalise_email("  Nobody@Example.ORG\n") == "nobody@example.org"


def test_it_makes_distinct_unguessable_salts():
    salts = {new_salt() for _ in range(50)}
    assert len(salts) == 50
    assert all(len(salt) >= 32 for salt in salts)


def test_it_matches_a_hashed_identity_whatever_the_case_of_the_email():
    recipient = {"type": "email", "hashed": True, "salt": "deadsea", "identity": VECTOR_HASH}
    assert identity_matches(recipient, "Nobody@Example.org ")
    assert not identity_matches(recipient, "somebody@example.org")


def test_it_compares_hash_digests_case_insensitively():
    recipient = {"type": "email", "hashed": True, "salt": "deadsea", "identity": VECTOR_HASH.upper()}
    assert identity_matches(recipient, "nobody@example.org")


def test_it_tries_the_email_as_given_when_the_issuer_hashed_it_unnormalised():
    identity = "sha256$" + hashlib.sha256(b"Nobody@Example.org" + b"pepper").hexdigest()
    recipient = {"type": "email", "hashed": True, "salt": "pepper", "identity": identity}
    assert identity_matches(recipient, "Nobody@Example.org")


def test_it_matches_md5_hashes_of_older_badges():
    identity = "md5$" + hashlib.md5(b"nobody@example.orgdeadsea").hexdigest()
    recipient = {"type": "email", "hashed": True, "salt": "deadsea", "identity": identity}
    assert identity_matches(recipient, "NOBODY@example.org")


def test_it_matches_an_unsalted_hash():
    identity = "sha256$" + hashlib.sha256(b"nobody@example.org").hexdigest()
    assert identity_matches({"type": "email", "hashed": True, "identity": identity}, "nobody@example.org")


def test_it_matches_plain_identities_case_insensitively():
    recipient = {"type": "email", "hashed": False, "identity": "Nobody@Example.org"}
    assert identity_matches(recipient, "nobody@example.ORG")
    assert not identity_matches(recipient, "other@example.org")


def test_it_accepts_the_string_true_of_ob1_badges():
    recipient = {"type": "email", "hashed": "true", "salt": "deadsea", "identity": VECTOR_HASH}
    assert identity_matches(recipient, "nobody@example.org")


def test_it_rejects_other_identity_types_and_unusable_hashes():
    assert not identity_matches(
        {"type": "url", "hashed": False, "identity": "nobody@example.org"}, "nobody@example.org"
    )
    assert not identity_matches(
        {"type": "email", "hashed": True, "identity": "sha1$abc"}, "nobody@example.org"
    )
    assert not identity_matches(
        {"type": "email", "hashed": True, "identity": "no-dollar"}, "nobody@example.org"
    )
    assert not identity_matches({"type": "email", "hashed": True, "identity": "sha256$ünïcode"}, "x@y.z")
    assert not identity_matches({"type": "email", "identity": None}, "nobody@example.org")
