# Compiled catalogues, so the language page can be read in Dutch.
from klankbord.core.tests.conftest import translations

__all__ = ["translations"]
