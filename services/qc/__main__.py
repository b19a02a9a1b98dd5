"""``python -m services.qc``: one QC process."""

from services.qc.bootstrap import create_app
from services.qc.settings import QcSettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = QcSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
