"""This feature's page texts (merged by thidua_web.i18n; a key defined twice is an error)."""

TEXTS: dict[str, dict[str, str]] = {"vi": {}, "en": {}}
LABELS: dict[str, dict[str, str]] = {"vi": {}, "en": {}}
