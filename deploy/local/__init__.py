"""Local infrastructure: Apache Kafka from Maven Central jars and SecantusDB, as processes.

Used by ``make run`` (persistent data under ``.local/run``) and by the test fixtures
(throw-away data dirs, free ports). Everything binds to 127.0.0.1.
"""
