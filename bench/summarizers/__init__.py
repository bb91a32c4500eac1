"""Summarizers, one per module. Each registers through the ``bench.summarizers``
entry-point group in ``pyproject.toml``."""
