"""Pages of long lists without counting every row: a count stops at CAP ("1000+ items")."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

CAP = 1000


class CappedPaginator(Paginator):
    """Counting 200,000 rows costs more than showing 50 of them; past CAP the count says so."""

    cap = CAP

    def __init__(self, object_list: Any, per_page: int, counted: Any = None) -> None:
        super().__init__(object_list, per_page)
        # The same rows, but a query the database counts fast (e.g. a join instead of EXISTS).
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        # COUNT over a LIMIT, unordered so the database can stop at the cap.
        return int(self.counted.order_by()[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def shown_count(self) -> Any:
        return f"{self.cap}+" if self.capped else self.count
