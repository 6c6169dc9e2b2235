from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr

import aiosmtplib

from thidua_common.settings import Settings

from . import Message, TemporaryFailure


class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings):
        self.settings = settings

    async def send(self, message: Message) -> None:
        # email.header.Header folds Vietnamese subjects inside the encoded bytes; the newer
        # EmailMessage API folds at spaces between encoded words and readers then drop those spaces
        mail = MIMEText(message.body, "plain", "utf-8")
        name, address = parseaddr(self.settings.mail_from)
        mail["From"] = formataddr((str(Header(name, "utf-8")), address)) if name else address
        mail["To"] = message.recipient
        # the compat32 Message API takes a Header as a header's value; typeshed's MIMEText says str
        mail["Subject"] = Header(message.subject, "utf-8")  # type: ignore[assignment]
        mail["Message-ID"] = f"<{message.message_id}@thidua.local>"
        mail["X-Correlation-ID"] = message.correlation_id
        mail["Content-Language"] = "vi"
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
