"""Kafka plumbing: broker factory, reliable (at-least-once) consumption, batch publishing."""
