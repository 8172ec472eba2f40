# The browser fixtures of the core screens (log in through the form, compiled catalogues).
from klankbord.core.tests.conftest import log_in, translations

__all__ = ["log_in", "translations"]
