"""``python -m deploy.local.mail_catcher DIR PORT``: the SMTP server ``make run`` gives
notify, on 127.0.0.1 — every message it accepts is written to DIR as one ``.eml`` file,
so a user can read what ticketflow sent (any mail client opens them)."""

import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Maildir:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{time.monotonic_ns()}.eml"
        (self._folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def main() -> None:
    folder, port = Path(sys.argv[1]), int(sys.argv[2])
    controller = Controller(Maildir(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"catching mail on 127.0.0.1:{port} into {folder}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
