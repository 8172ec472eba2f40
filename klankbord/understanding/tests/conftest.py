# The browser fixtures of the core screens (log in through the form, compiled catalogues).
from collections.abc import Iterator

import pytest

from klankbord.core.tests.conftest import log_in, translations
from klankbord.understanding import services

__all__ = ["log_in", "translations"]


@pytest.fixture(autouse=True)
def fresh_heads() -> Iterator[None]:
    # A rolled-back test database gives the next test the same organisation id and version 1.
    services._heads.cache_clear()
    yield
    services._heads.cache_clear()
