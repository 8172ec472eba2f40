"""Where settings and state live: next to the code in a checkout, never inside site-packages.

No Django import: settings.py and `klankbord init` both use it before Django starts.
"""

import os
from pathlib import Path

# The folder that holds the `klankbord` package: the repository root in a checkout (and an
# editable install), site-packages when installed from a wheel.
CODE_ROOT = Path(__file__).resolve().parent.parent


def is_checkout(root: Path = CODE_ROOT) -> bool:
    """True when the code runs from a repository (`make run`, the tests), not an installed wheel."""
    return (root / "pyproject.toml").is_file()


def env_file(root: Path = CODE_ROOT) -> Path:
    """The settings file: KLANKBORD_ENV_FILE, else `.env` in a checkout, else the user's config."""
    explicit = os.environ.get("KLANKBORD_ENV_FILE", "")
    if explicit:
        return Path(explicit).expanduser()
    if is_checkout(root):
        return root / ".env"
    return Path.home() / ".config" / "klankbord" / "klankbord.env"


def default_data_dir(root: Path = CODE_ROOT) -> Path:
    """The data folder when KLANKBORD_DATA_DIR is unset: `var/` in a checkout, else the user's."""
    if is_checkout(root):
        return root / "var"
    return Path.home() / ".local" / "share" / "klankbord"
