"""Everything else is in pyproject.toml; this only compiles the translations into the wheel.

The .mo files are not in the repository: building the package writes them next to the .po
files, so an installed Klankbord speaks Dutch and French without `klankbord compiletranslations`.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(
            Path(self.build_lib, "klankbord", "locale").glob("*/LC_MESSAGES/*.po")
        ):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithTranslations})
