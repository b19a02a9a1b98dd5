"""``python -m services.gateway``: one gateway process."""

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
