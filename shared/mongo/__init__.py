"""MongoDB plumbing on PyMongo's async API (``AsyncMongoClient``; Motor is deprecated)."""
