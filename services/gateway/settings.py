from shared.settings import StandardSettings


class GatewaySettings(StandardSettings):
    service_name: str = "gateway"
    http_port: int = 8000
    mongo_db: str = "ticketflow_gateway"
