"""The local servers of ``services/notify/tests/servers.py`` as fixtures."""

from services.notify.tests.servers import receiver, smtp_server

__all__ = ["receiver", "smtp_server"]
