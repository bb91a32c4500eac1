"""What a run records about where it ran: versions, device, git commit."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench import __version__

PACKAGES = ("rouge-score", "nltk", "numpy", "datasets", "transformers", "torch", "tokenizers", "pydantic")


def package_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"headline-bench": __version__}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def git_commit() -> str | None:
    """The project's commit when it runs from a checkout (with '+dirty' if edited)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("+dirty" if dirty else "")) or None


def device_description() -> str:
    """The torch device a model would use, without importing torch if it is not loaded yet."""
    torch = sys.modules.get("torch")
    if torch is None:
        return "cpu (no model loaded)"
    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.get_device_name(0)}"
    return "cpu"


def scoring_kernel() -> dict[str, str]:
    """Which ROUGE path ran: the compiled kernel ("c") or pure Python (same numbers, so
    this is recorded here and not in the signature), and why Python where it did."""
    from bench.kernel import implementation, why_not

    found = {"implementation": implementation()}
    if found["implementation"] != "c":
        found["reason"] = why_not()
    return found


def environment() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "device": device_description(),
        "git_commit": git_commit(),
        "scoring_kernel": scoring_kernel(),
    }
