"""``python -m services.sla``: one SLA process."""

from services.sla.bootstrap import create_app
from services.sla.settings import SlaSettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = SlaSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
