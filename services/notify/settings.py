from typing import Literal

from pydantic import Field, SecretStr

from shared.settings import StandardSettings


class NotifySettings(StandardSettings):
    service_name: str = "notify"
    http_port: int = 8005
    mongo_db: str = "ticketflow_notify"
    # SMS: "http" speaks a generic HTTP SMS-gateway API, "file" appends JSON lines to a
    # file (``make run``), "none" leaves SMS deliveries failing visibly.
    sms_provider: Literal["http", "file", "none"] = "file"
    sms_file: str = ".local/notify/sms.jsonl"
    sms_http_url: str | None = None
    sms_http_auth_header: SecretStr | None = None  # e.g. "Bearer …"
    sms_sender_id: str | None = None
    # E-mail over SMTP; no host: e-mail deliveries fail visibly.
    smtp_host: str | None = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_sender: str = "ticketflow <noreply@ticketflow.local>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    # Webhooks to loopback, private or link-local addresses are refused unless this is set
    # (receivers inside the company network; tests).
    webhook_allow_private: bool = False
    # Retries of a failed delivery: base × 2^(attempt-1), at most cap, then given up.
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    delivery_retry_base_s: float = Field(default=30.0, gt=0)
    delivery_retry_cap_s: float = Field(default=3600.0, gt=0)
    sender_poll_interval_s: float = Field(default=1.0, gt=0)
