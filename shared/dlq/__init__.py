"""Operating the dead-letter topics: list, inspect, replay after a fix, purge.

Dead letters stay in their ``<topic>.dlq`` topics (an audit trail); what operators did
with each is recorded on the ``<namespace>.dlq-actions`` topic, so the CLI
(``python -m shared.dlq``) and every service's ``/admin/dead-letters`` API see the same
state without a database. A replayed message goes back to its source topic unchanged and
is deduplicated by its consumers like any other redelivery.
"""
