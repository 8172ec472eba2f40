"""Write the language detector's model: py3langid's model, kept to the languages we weigh.

py3langid (BSD-3-Clause, a fork of langid.py by Marco Lui and Timothy Baldwin) ships a naive
Bayes model over byte n-grams for 97 languages, LZMA-compressed: decompressing it takes most of
a second. Klankbord answers nl, fr, en and de, and also weighs a few languages that short
Flemish, Dutch, French and German lines are mistaken for (Afrikaans, Frisian, Luxembourgish,
Walloon). This script keeps those columns of the model and the automaton that finds the n-grams
unchanged, and writes them with the automaton zlib-compressed (loads in about 0.1 s):

    klankbord/language/data/languages/langid.npz

Run it again after upgrading py3langid:  .venv/bin/python scripts/language_model.py
"""

import io
import lzma
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "klankbord" / "language" / "data" / "languages" / "langid.npz"
# Our four languages, then the ones short lines in them are confused with.
KEPT = ("nl", "fr", "en", "de", "af", "fy", "lb", "wa")


def main() -> None:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    with lzma.open(MODEL_DIR / MODEL_FILE) as source:
        model = np.load(io.BytesIO(source.read()), allow_pickle=False)
        classes = [str(name) for name in model["classes"]]
        columns = [classes.index(language) for language in KEPT]
        arrays = {
            "classes": np.array(KEPT),
            "ptc": model["ptc"][:, columns],  # log P(n-gram | language), float16
            "pc": model["pc"][columns],  # log P(language)
            # The automaton's distinct 256-byte rows: 39 MB, so zlib-compressed on their own
            # (zlib lets other threads run while it inflates them).
            "nextmove_zlib": np.frombuffer(zlib.compress(model["nextmove"].tobytes(), 9), np.uint8),
            "nextmove_row": model["nextmove_row"],  # state -> row
            "out_feat": model["out_feat"],  # state -> n-gram found there, or -1
        }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUTPUT, **arrays)  # type: ignore[arg-type]
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
