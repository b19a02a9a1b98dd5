"""``python -m services.intake``: one intake process."""

from services.intake.bootstrap import create_app
from services.intake.settings import IntakeSettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
