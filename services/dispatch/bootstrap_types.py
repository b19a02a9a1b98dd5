"""What dispatch's entrypoints are handed: the wired dependencies of the use cases."""

from services.dispatch.app.context import DispatchContext

__all__ = ["DispatchContext"]
