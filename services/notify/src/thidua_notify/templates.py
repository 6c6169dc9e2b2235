"""issue 15: channels — per-tenant message templates. A tenant may override the subject and body of
a mail kind in a language with Jinja2 templates (`{{ campaign }}`), rendered in Jinja2's sandbox
(no attribute access to Python internals, no imports), with undefined names refused. Without an
override the catalogue's text is used (thidua_common.i18n.messages: `mail.<kind>.subject`/`.body`).

Overrides live in notify's database (collection `templates`, `_id` = tenant/kind/lang), written by
`python -m thidua_notify.admin templates set` after a preview with sample data
(`templates preview`); a template that does not render with the sample data is refused."""

from dataclasses import dataclass
from datetime import date

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.i18n import t

LANGUAGES = ("vi", "en")
MAX_LENGTH = 20_000

# the kinds a tenant may override, with the names their templates may use (sample values for the preview)
SAMPLES: dict[str, dict] = {
    "mail.review.ready": {
        "campaign": "Đắk Nông chung tay vì người nghèo",
        "kind": "sơ kết",
        "date": date(2026, 6, 30).strftime("%d/%m/%Y"),
        "version": 2,
        "units": 71,
        "document": "3f1c2b9a",
    },
    "mail.review.reminder": {
        "unit": "Huyện Cư Jút",
        "campaign": "Đắk Nông chung tay vì người nghèo",
        "kind": "sơ kết",
        "date": date(2026, 6, 30).strftime("%d/%m/%Y"),
        "days": 7,
    },
}

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


class TemplateInvalid(ValueError):
    """A template refused: `field` (kind, lang, subject, body) and a reason in both languages."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


def render(source: str, params: dict, field: str = "body") -> str:
    try:
        return _env.from_string(source).render(**params)
    except TemplateError as exc:
        # jinja's own message names the template construct, never Python internals
        raise TemplateInvalid(field, f"mẫu không hiển thị được / the template does not render: {exc.message}") from None


def check(kind: str, lang: str, subject: str, body: str) -> tuple[str, str]:
    """Render the template with the kind's sample data; returns the rendered (subject, body)."""
    if kind not in SAMPLES:
        raise TemplateInvalid("kind", f"loại thư không hỗ trợ mẫu riêng / no template for this kind: {kind}")
    if lang not in LANGUAGES:
        raise TemplateInvalid("lang", "chỉ vi hoặc en / vi or en only")
    for field, source in (("subject", subject), ("body", body)):
        if not source.strip() or len(source) > MAX_LENGTH:
            raise TemplateInvalid(field, f"trống hoặc dài quá {MAX_LENGTH} ký tự / empty or longer than {MAX_LENGTH}")
    rendered_subject = render(subject, SAMPLES[kind], "subject")
    if "\n" in rendered_subject.strip():
        raise TemplateInvalid("subject", "tiêu đề chỉ một dòng / the subject is one line")
    return rendered_subject.strip(), render(body, SAMPLES[kind], "body")


def preview(kind: str, lang: str, subject: str | None = None, body: str | None = None) -> tuple[str, str]:
    """The mail with sample data: the given template, else the catalogue's default."""
    if subject is None or body is None:
        if kind not in SAMPLES:
            raise TemplateInvalid("kind", f"loại thư không hỗ trợ mẫu riêng / no template for this kind: {kind}")
        return t(f"{kind}.subject", lang, **SAMPLES[kind]), t(f"{kind}.body", lang, **SAMPLES[kind])
    return check(kind, lang, subject, body)


async def save(db: AsyncDatabase, tenant: str, kind: str, lang: str, subject: str, body: str) -> None:
    check(kind, lang, subject, body)
    await db.templates.update_one(
        {"_id": f"{tenant}/{kind}/{lang}"},
        {"$set": {"tenant": tenant, "kind": kind, "lang": lang, "subject": subject, "body": body}},
        upsert=True,
    )


async def remove(db: AsyncDatabase, tenant: str, kind: str, lang: str) -> None:
    await db.templates.delete_one({"_id": f"{tenant}/{kind}/{lang}"})


async def compose(db: AsyncDatabase, tenant: str, kind: str, lang: str, params: dict) -> tuple[str, str]:
    """The tenant's template if it has one for the kind and language, else the catalogue's text. A
    stored template that no longer renders (a name removed since) falls back to the catalogue."""
    found = await db.templates.find_one({"_id": f"{tenant}/{kind}/{lang}"})
    if found:
        try:
            return render(found["subject"], params, "subject").strip(), render(found["body"], params)
        except TemplateInvalid:
            pass
    return t(f"{kind}.subject", lang, **params), t(f"{kind}.body", lang, **params)
