"""Run a snippet in a fresh process with its own environment, to test what settings.py does."""

import os
import subprocess
import sys
from pathlib import Path

TEST_KEYS = "a2xhbmtib3JkLXRlc3Qta2V5LW5vdC1mb3ItcHJvZCE="


def run_with_settings(code: str, data_dir: Path, setup: bool = True, **env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_BACKEND", "SECURE_HTTPS"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "klankbord.settings",
        "KLANKBORD_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "KLANKBORD_ENCRYPTION_KEYS": TEST_KEYS,
        **env,
    }
    prelude = "from klankbord import settings\n"
    if setup:
        prelude = "import django\ndjango.setup()\nfrom django.conf import settings\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
