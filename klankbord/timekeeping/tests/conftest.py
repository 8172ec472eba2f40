from klankbord.api.tests.conftest import api

__all__ = ["api"]
