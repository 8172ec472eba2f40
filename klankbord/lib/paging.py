"""Pages of long lists without counting every row: a count stops at CAP ("1000+ items")."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

CAP = 1000


def count_up_to(queryset: Any, cap: int | None = None) -> int:
    """The number of rows, but at most cap + 1: COUNT over a LIMIT, unordered so the database
    can stop at the cap."""
    limit = (CAP if cap is None else cap) + 1
    return int(queryset.order_by()[:limit].count())


def shown_count(queryset: Any) -> str:
    """How many rows, as a person reads it: "37", or "1000+" past the cap."""
    found = count_up_to(queryset)
    return f"{CAP}+" if found > CAP else str(found)


class CappedPaginator(Paginator):
    """Counting 200,000 rows costs more than showing 50 of them; past CAP the count says so."""

    cap = CAP

    def __init__(self, object_list: Any, per_page: int, counted: Any = None) -> None:
        super().__init__(object_list, per_page)
        # The same rows, but a query the database counts fast (e.g. a join instead of EXISTS).
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        return count_up_to(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.count > self.cap
