"""ticketflow's shared kernel: event schemas, settings, Kafka/Mongo plumbing, telemetry.

Holds what every service needs and no business rule.
"""
