"""E-mail through the office's SMTP server (settings BHYT_SMTP_*); one connection for a batch of messages.

Reminders, password-reset links and receipts all go this way. `send` raises when the server cannot be reached;
`deliver` never does (a letter that could not go is logged by its subject, never its address, and reported False),
and `deliver_later` sends from a thread, so that a page answers at once whether or not a letter goes.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from db.config import Settings, get_settings


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    user: str = ""
    password: str = ""
    starttls: bool = True

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> MailSettings | None:
        settings = settings or get_settings()
        if not settings.smtp_host:
            return None
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_sender or settings.smtp_user,
                   settings.smtp_user, settings.smtp_password, settings.smtp_starttls)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


log = logging.getLogger("bhyt.mail")


def send(mail: MailSettings, letters: list[Letter]) -> list[bool]:
    """Send the letters over one connection; for each, whether the server accepted it (a refused address does not
    stop the others). With `starttls` the connection must be encrypted before the password or any letter goes."""
    if not letters:
        return []
    accepted = []
    with smtplib.SMTP(mail.host, mail.port, timeout=30) as server:
        server.ehlo()
        if mail.starttls:
            server.starttls()  # refuses, rather than sending in clear, when the server cannot encrypt
            server.ehlo()
        if mail.user:
            server.login(mail.user, mail.password)
        for letter in letters:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = mail.sender, letter.to, letter.subject
            message.set_content(letter.body)
            for attachment in letter.attachments:
                main, _, sub = attachment.mime.partition("/")
                message.add_attachment(attachment.data, maintype=main, subtype=sub, filename=attachment.filename)
            try:
                server.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                accepted.append(False)
            else:
                accepted.append(True)
    return accepted


def deliver(mail: MailSettings | None, letters: list[Letter]) -> list[bool]:
    """As `send`, but a server that cannot be reached, refuses the sign-in or the encryption, reports every letter
    as not sent (and logs why) instead of raising. Without settings nothing is sent."""
    if mail is None:
        return [False] * len(letters)
    try:
        return send(mail, letters)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail not sent (%s) for %d letter(s): %s", type(exc).__name__, len(letters),
                    "; ".join(letter.subject for letter in letters))
        return [False] * len(letters)


def deliver_later(mail: MailSettings | None, letters: list[Letter]) -> threading.Thread:
    """`deliver` from a thread of its own (started here); the caller may join it (the tests do)."""
    thread = threading.Thread(target=deliver, args=(mail, letters), name="bhyt-mail", daemon=True)
    thread.start()
    return thread
