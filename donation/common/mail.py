"""E-mail through the office's SMTP server (settings BHYT_SMTP_*); one connection for a batch of messages."""

from __future__ import annotations

import smtplib
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
class Letter:
    to: str
    subject: str
    body: str


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
            try:
                server.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                accepted.append(False)
            else:
                accepted.append(True)
    return accepted
