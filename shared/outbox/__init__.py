"""Transactional outbox: events are stored with the state change, then relayed to Kafka."""
