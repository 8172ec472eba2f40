from klankbord.lib.tests.ssrf import fakes  # noqa: F401 -- the SSRF list's fakes, as a fixture
