"""``python -m services.dispatch``: one dispatch process."""

from services.dispatch.bootstrap import create_app
from services.dispatch.settings import DispatchSettings
from shared.logs import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = DispatchSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
