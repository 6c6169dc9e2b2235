"""The automated accessibility check of the console's pages: axe-core (npm, pinned by version and
SHA-256 in thidua_web.assets.AXE, packed into the cache like the console's own assets) run inside
the page. It is evaluated through the browser's DevTools protocol (page.evaluate), so the page's
policy, which refuses inline scripts, stays as it is.

    violations = serious_violations(page)   # [] when none is serious or critical
"""

import tarfile
from functools import cache

from thidua_devstack.stack import REPO
from thidua_web import assets

SERIOUS = ("serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def axe_source() -> str:
    tarball = assets.package(REPO / ".local" / "cache", assets.AXE)
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def serious_violations(page) -> list[str]:
    """Every serious or critical violation on the page as shown now: rule, impact, first targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }",
        TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['targets']}" for v in result if v["impact"] in SERIOUS]
