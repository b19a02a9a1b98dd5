from pydantic import Field

from shared.settings import StandardSettings


class SlaSettings(StandardSettings):
    service_name: str = "sla"
    http_port: int = 8003
    mongo_db: str = "ticketflow_sla"
    # Business days after 回单 (resolved) before sla.autoclose_due; 0 disables auto-close.
    autoclose_business_days: int = Field(default=3, ge=0)
    # The scheduler polls the due-timer index this often: timers fire at most this late,
    # and each poll is a query on the server every service shares.
    scheduler_poll_interval_s: float = Field(default=1.0, gt=0)
    scheduler_batch_size: int = Field(default=500, ge=1)
    # Due tickets fired side by side (each in its own transaction).
    scheduler_concurrency: int = Field(default=8, ge=1)
    # Timers are split into this many shards; each replica leases a fair share of them.
    # Changing it re-homes timers, so keep it fixed for a deployment.
    timer_shards: int = Field(default=16, ge=1, le=1024)
    shard_lease_s: float = Field(default=10.0, gt=0)
    # How often preset calendars are brought to the rolling horizon (last, this and next
    # year) and to the holiday package's current dates (app/admin.py, refresh_presets).
    calendar_refresh_interval_s: float = Field(default=6 * 3600.0, gt=0)
