"""Framework-free Open Badges core: hashing, baking, JSON-LD contexts and OB 2.0 documents.

Nothing here imports Django, so it can be tested and reused on its own.
"""
