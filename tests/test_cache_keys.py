"""What a summarizer's prediction-cache key hashes is derived from the code it
imports, not a hand-kept list: a helper moved into a new module stays covered."""

from __future__ import annotations

import modulefinder
import sys
import textwrap
from pathlib import Path

import pytest

from bench.api.article import Article
from bench.api.introspect import closure, find_module
from bench.api.summarizer import get_summarizer_class
from bench.cache import PredictionKeys
from bench.cache.keys import code_fingerprint, code_modules, library_versions

ARTICLE = Article(id="a1", body="Rain fell on Monday. Roads flooded.", headline="Rain", standfirst="Roads flooded.")
BUILTINS = ["lead", "lead-words", "random", "oracle", "textrank", "embedding", "hf-seq2seq", "hf-causal", "openai"]


class BenchOnlyFinder(modulefinder.ModuleFinder):
    """The standard library's module finder, kept to the bench package (torch is large)."""

    def import_hook(self, name, caller=None, fromlist=None, level=-1):  # type: ignore[no-untyped-def]
        if level in (-1, 0) and name.split(".")[0] != "bench":
            return None
        return super().import_hook(name, caller, fromlist, level)


@pytest.mark.parametrize("kind", BUILTINS)
def test_the_modules_found_match_the_standard_library_module_finder(kind: str) -> None:
    root = get_summarizer_class(kind).__module__
    finder = BenchOnlyFinder()
    finder.run_script(str(find_module(root).path))
    reference = {name for name in finder.modules if name.split(".")[0] == "bench"}
    parents = {".".join(root.split(".")[:i]) for i in range(1, root.count(".") + 1)}
    found = {m.name for m in closure(root, {"bench"}, follow_parents=True)} - {root}
    assert found - parents == reference - parents and reference <= found


def test_each_summarizer_key_covers_the_code_it_runs() -> None:
    lead = code_modules(get_summarizer_class("lead"))
    assert {"bench.summarizers.lead", "bench.summarizers.common", "bench.tokenizers.sentences"} <= set(lead)
    assert not any(name.startswith("bench.models") for name in lead)
    textrank = code_modules(get_summarizer_class("textrank"))
    # bench.tokenizers.porter is imported inside a function: it still runs, so it counts.
    assert {"bench.tokenizers.words", "bench.tokenizers.base", "bench.tokenizers.porter"} <= set(textrank)
    seq2seq = code_modules(get_summarizer_class("hf-seq2seq"))
    assert {"bench.models.generation", "bench.models.loading", "bench.models.settings", "bench.api.prompts"} <= set(seq2seq)
    assert "bench.summarizers.common" not in seq2seq
    openai = code_modules(get_summarizer_class("openai"))
    assert "bench.api.prompts" in openai and not any(name.startswith("bench.models") for name in openai)


def test_library_versions_are_part_of_a_model_summarizers_identity() -> None:
    from importlib.metadata import version

    versions = library_versions(get_summarizer_class("hf-seq2seq"))
    assert versions["transformers"] == version("transformers") and versions["torch"] == version("torch")
    assert "transformers" not in library_versions(get_summarizer_class("lead"))


def test_one_value_and_the_same_value_per_target_share_a_key() -> None:
    cls = get_summarizer_class("lead")
    one = PredictionKeys(cls, {"name": "l", "type": "lead", "sentences": 2}, 1)
    spelled = PredictionKeys(cls, {"name": "m", "type": "lead", "sentences": {"headline": 2, "standfirst": 2}}, 1)
    assert one.key("headline", ARTICLE) == spelled.key("headline", ARTICLE)


SUMMARIZER = '''
from bench.api import Summarizer, SummarizerSettings
{imports}

class Shout(Summarizer):
    Settings = SummarizerSettings
    description = "the body, shouted"

    def summarize(self, articles, target):
        {lazy}
        return [shout(a.body) for a in articles]
{helper}
'''
HELPER = '''
def shout(text):
    return text.{method}()
'''


def write_plugin(folder: Path, imports: str = "", lazy: str = "pass", helper: str = "") -> None:
    (folder / "shoutpkg").mkdir(exist_ok=True)
    (folder / "shoutpkg" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "shoutpkg" / "summarizer.py").write_text(
        textwrap.dedent(SUMMARIZER).format(imports=imports, lazy=lazy, helper=helper), encoding="utf-8")


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.split(".")[0] == "shoutpkg"]:
        del sys.modules[name]


def key_of(cls: type) -> str:
    return PredictionKeys(cls, {"name": "s", "type": "shout"}, 1).key("headline", ARTICLE)


@pytest.mark.parametrize("form", ["absolute", "relative", "lazy"])
def test_a_helper_moved_into_a_new_module_is_still_in_the_key(plugin_dir: Path, form: str) -> None:
    write_plugin(plugin_dir, helper=HELPER.format(method="upper"))
    import shoutpkg.summarizer as module

    inline = key_of(module.Shout)
    assert module.Shout(module.Shout.Settings(name="s", type="shout")).summarize([ARTICLE], "headline") == \
        [ARTICLE.body.upper()]

    # Move the helper into a module of its own, imported in one of three ways.
    imports = {"absolute": "from shoutpkg.helpers import shout", "relative": "from .helpers import shout",
               "lazy": ""}[form]
    lazy = "from shoutpkg.helpers import shout" if form == "lazy" else "pass"
    write_plugin(plugin_dir, imports=imports, lazy=lazy)
    (plugin_dir / "shoutpkg" / "helpers.py").write_text(HELPER.format(method="upper"), encoding="utf-8")
    moved = key_of(module.Shout)
    assert "shoutpkg.helpers" in code_modules(module.Shout) and moved != inline

    # The point: an edit to the moved helper alone changes the key (a hand-kept list would miss it).
    (plugin_dir / "shoutpkg" / "helpers.py").write_text(HELPER.format(method="lower"), encoding="utf-8")
    edited = key_of(module.Shout)
    assert edited != moved
    (plugin_dir / "shoutpkg" / "helpers.py").write_text(HELPER.format(method="upper"), encoding="utf-8")
    assert key_of(module.Shout) == moved  # same code, same key


def test_a_class_without_source_on_disk_is_keyed_without_code(plugin_dir: Path) -> None:
    namespace: dict[str, object] = {"__name__": "typed_in_a_repl"}
    exec(textwrap.dedent(SUMMARIZER).format(imports="", lazy="pass", helper=HELPER.format(method="upper")), namespace)
    cls = namespace["Shout"]
    assert code_fingerprint(cls) is None  # type: ignore[arg-type]
    assert key_of(cls) == key_of(cls)  # type: ignore[arg-type]
