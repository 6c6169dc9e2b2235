from email.message import EmailMessage

import aiosmtplib

from thidua_common.settings import Settings

from . import Message, TemporaryFailure


class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings):
        self.settings = settings

    async def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self.settings.mail_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Message-ID"] = f"<{message.message_id}@thidua.local>"
        mail["X-Correlation-ID"] = message.correlation_id
        mail["Content-Language"] = "vi"
        mail.set_content(message.body)
        try:
            await aiosmtplib.send(
                mail,
                hostname=self.settings.smtp_host,
                port=self.settings.smtp_port,
                username=self.settings.smtp_username or None,
                password=self.settings.smtp_password or None,
                start_tls=self.settings.smtp_starttls,
                timeout=10,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(str(exc) or type(exc).__name__) from exc
