"""The help pages: one template per language and topic, help/<language>/<topic>.html, at /help/<topic>/."""

EARNER_TOPICS = ("first-badge", "email-addresses", "import", "sharing", "moodle", "account")
ISSUER_TOPICS = ("issuing", "awarding", "revoking", "keys")
TOPICS = EARNER_TOPICS + ISSUER_TOPICS


def url_name(topic: str) -> str:
    """The name of a topic's URL in the "help" namespace (URL names take "_" where slugs take "-")."""
    return topic.replace("-", "_")
