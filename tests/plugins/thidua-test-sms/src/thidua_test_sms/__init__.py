"""A minimal SMS channel (the extension point for SMS or Zalo OA, docs/channels.md): a real one
would call the operator's gateway here; this one keeps what it would have sent, so that a test can
see a plugin loaded by its entry point and fed by notify's dispatcher."""

from thidua_notify.channels import Message, TemporaryFailure

SMS_LENGTH = 160


class SmsChannel:
    name = "sms"
    receiver_dedupes = False  # an SMS gateway does not drop repeats: notify never resends an unknown outcome
    outbox: list[tuple[str, str]] = []

    def __init__(self, settings):
        self.settings = settings

    async def send(self, message: Message) -> None:
        if not message.recipient.startswith("+84"):
            raise TemporaryFailure("not a Vietnamese mobile number")
        text = message.subject if len(message.subject) <= SMS_LENGTH else message.subject[: SMS_LENGTH - 1] + "…"
        self.outbox.append((message.recipient, text))
