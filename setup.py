"""Builds the optional compiled scoring kernel, ``bench.kernel._native`` (C via Cython).

Everything else is in pyproject.toml. The kernel is optional: where it cannot be
built (no C compiler, no Cython, an unsupported platform) the build says so and
goes on, and headline-bench runs its pure-Python path, with identical numbers.
Set HEADLINE_BENCH_BUILD_KERNEL=0 to skip it on purpose, =1 to make a failed
build an error.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

KERNEL = "bench/kernel"
C_SOURCES = ["words.c", "corpus.c", "grams.c", "lcs.c", "pairs.c", "oracle.c", "sentences.c", "porter.c", "batch.c"]
# No fused multiply-adds (every score must be rouge-score's float, bit for bit), and
# no -ffast-math. -O3 vectorises the n-gram and mask loops.
UNIX_FLAGS = ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c99"]
MODE = os.environ.get("HEADLINE_BENCH_BUILD_KERNEL", "auto")


def _say(message: str) -> None:
    print(f"headline-bench: {message}", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing, unless the kernel was asked for."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            for ext in self.extensions:
                ext.extra_compile_args = UNIX_FLAGS + list(ext.extra_compile_args or [])
        super().build_extensions()

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler at all: DistutilsPlatformError and kin
            self._give_up(error)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:  # the compiler failed on this machine
            self._give_up(error)

    def _give_up(self, error: Exception) -> None:
        if MODE == "1":
            raise error
        _say(f"the compiled scoring kernel was not built ({error}); the pure-Python path "
             "runs instead, with identical numbers, only slower")


def source_hash(folder: Path) -> str:
    """The same digest as bench.kernel.source_hash: the built module carries it, so a
    checkout whose kernel sources changed since the build is noticed at import."""
    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.pyx"), *folder.glob("src/*.c"), *folder.glob("src/*.h")]):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def extensions() -> list[Extension]:
    if MODE == "0":
        return []
    sources = [f"{KERNEL}/_native.pyx"] + [f"{KERNEL}/src/{name}" for name in C_SOURCES]
    built_from = source_hash(Path(__file__).resolve().parent / KERNEL)
    kernel = Extension("bench.kernel._native", sources=sources, include_dirs=[f"{KERNEL}/src"],
                       define_macros=[("KERNEL_SOURCE_HASH", f'"{built_from}"')])
    try:
        from Cython.Build import cythonize

        return cythonize([kernel], quiet=True)
    except Exception as error:  # Cython missing (a --no-build-isolation install) or failing
        if MODE == "1":
            raise
        _say(f"Cython is not usable ({error}); the compiled scoring kernel is skipped")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
