"""Pages of long lists without counting every row: a count stops at CAP ("1000+ items")."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

CAP = 1000


class CappedPaginator(Paginator):
    """Counting 200,000 rows costs more than showing 50 of them; past CAP the count says so."""

    cap = CAP

    @cached_property
    def count(self) -> int:
        first: Any = self.object_list[: self.cap + 1]  # a queryset: COUNT over a LIMIT
        return int(first.count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def shown_count(self) -> Any:
        return f"{self.cap}+" if self.capped else self.count
