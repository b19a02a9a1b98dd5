"""``python -m services.notify``: one notify process."""

from services.notify.bootstrap import create_app
from services.notify.settings import NotifySettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = NotifySettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
