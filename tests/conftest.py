import pytest


def pytest_collection_modifyitems(items):
    # end-to-end tests share one stack per session; run them after the fast unit tests
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
