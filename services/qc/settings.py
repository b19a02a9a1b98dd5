from shared.settings import StandardSettings


class QcSettings(StandardSettings):
    service_name: str = "qc"
    http_port: int = 8004
    mongo_db: str = "ticketflow_qc"
