"""E-mail over SMTP (aiosmtplib).

One connection per message: notices are few and far between per sender loop, and a fresh
connection needs no keep-alive, reconnect or per-connection locking logic; a pooled client
is worth it only at volumes this service does not see.
"""

import email.errors
import email.policy
import email.utils
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from services.notify.domain.channels import Message, SendFailed, Sent

# 7bit: a non-ASCII body goes base64 or quoted-printable and non-ASCII headers as RFC 2047
# encoded words, so the message reaches any server intact, with or without 8BITMIME.
_POLICY = email.policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From header, e.g. "Ticketflow <noreply@example.com>"
    username: str | None = None
    password: str | None = None
    starttls: bool = False  # upgrade a plain connection (port 587)
    use_tls: bool = False  # TLS from the first byte (port 465)
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if self.starttls and self.use_tls:
            raise ValueError("starttls upgrades a plain connection; use_tls is TLS already")


def message_id(delivery_id: str) -> str:
    """The ``Message-ID`` of a delivery: the same on every attempt, so a resend after a
    crash is recognisable as a duplicate."""
    return f"<{delivery_id}@ticketflow>"


def build_email(message: Message, sender: str) -> EmailMessage:
    """Raises ``ValueError`` (or ``email.errors.MessageError``) for a header that cannot be
    written, such as one with a line break."""
    mail = EmailMessage(policy=_POLICY)
    mail["From"] = sender
    mail["To"] = message.address
    mail["Subject"] = message.subject or ""
    mail["Message-ID"] = message_id(message.delivery_id)
    mail["Date"] = email.utils.formatdate(usegmt=True)
    mail["X-Ticketflow-Ticket"] = message.ticket_id
    mail.set_content(message.body, subtype="plain", charset="utf-8")
    return mail


def _refused(exc: aiosmtplib.SMTPRecipientsRefused) -> SendFailed:
    codes = [r.code for r in exc.recipients]
    detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
    permanent = bool(codes) and all(500 <= code <= 599 for code in codes)
    return SendFailed(f"recipient refused: {detail}", permanent=permanent)


def _failure(exc: Exception) -> SendFailed:
    """The ``SendFailed`` an aiosmtplib or socket error stands for."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return _refused(exc)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError | aiosmtplib.SMTPHeloError):
        # Our credentials or our host's standing, not the message: an operator fixes the
        # configuration and the messages queued meanwhile must still go out, so retry.
        return SendFailed(f"SMTP server refused us: {exc.code} {exc.message}", permanent=False)
    if isinstance(exc, aiosmtplib.SMTPConnectResponseError):
        # A 5xx greeting refuses the connection (our address is blocked, say), not the message.
        return SendFailed(f"SMTP server refused to talk: {exc.code} {exc.message}", permanent=False)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # Sender, recipient or content refused: 5xx is the server's final word on it.
        return SendFailed(f"SMTP {exc.code} {exc.message}", permanent=500 <= exc.code <= 599)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # A non-ASCII address the server cannot take (no SMTPUTF8): the address won't change.
        return SendFailed(f"SMTP: {exc.message}", permanent=True)
    # Refused, reset or timed-out connections, TLS failures, a server without STARTTLS or
    # AUTH we were configured to use: the network or our configuration, both fixable.
    return SendFailed(f"SMTP server unreachable: {type(exc).__name__}: {exc}", permanent=False)


class SmtpSender:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, message: Message) -> Sent:
        try:
            mail = build_email(message, self._config.sender)
        except (ValueError, email.errors.MessageError) as exc:
            raise SendFailed(f"cannot write the e-mail: {exc}", permanent=True) from exc
        try:
            await self._submit(mail, message.address)
        except ValueError as exc:
            # aiosmtplib's check of an address it could not put on an SMTP command line.
            raise SendFailed(f"unusable address: {exc}", permanent=True) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise _failure(exc) from exc
        return Sent(provider_message_id=mail["Message-ID"])

    async def _submit(self, mail: EmailMessage, recipient: str) -> None:
        c = self._config
        await aiosmtplib.send(
            mail,
            sender=c.sender,
            recipients=[recipient],
            hostname=c.host,
            port=c.port,
            username=c.username,
            password=c.password,
            use_tls=c.use_tls,
            # Never None (upgrade whenever offered): whether TLS is used is the operator's
            # decision, not the server's.
            start_tls=c.starttls,
            timeout=c.timeout_s,
        )

    async def aclose(self) -> None:
        """Nothing to close: each message has its own connection."""
