"""From a table of rows to checked articles, the same for every format.

Which columns hold what comes from ``dataset.fields`` (default: a column named
like the field). Only the body and the scored targets must exist; a target
that is not scored is kept when its column is there (it is part of what the
articles are, so of the fingerprint) and ignored otherwise. A target may have
several references: a column of lists, several columns, or both.

Rows are converted batch by batch from Arrow record batches, so the rows are
never held twice as Python objects (nor whole as Arrow, for JSON Lines). Nothing is changed silently: ids keep the text written, and
every article or reference left out is counted and said in a note.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from bench.api.article import TARGETS, Article
from bench.config import DatasetConfig
from bench.data.formats import RawTable, Role
from bench.errors import DataError

BATCH_ROWS = 2048


@dataclass(frozen=True)
class ColumnPlan:
    """Which column holds what: ``id`` None numbers the rows."""

    id: str | None
    body: str
    references: dict[str, tuple[str, ...]]  # target -> its columns, for the targets read


@dataclass
class Conversion:
    articles: list[Article]
    total_rows: int
    skipped: dict[str, list[str]] = field(default_factory=dict)
    dropped_references: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ids_numbered: bool = False


def columns_of(mapping: dict[str, str | list[str]], field_name: str) -> list[str]:
    value = mapping.get(field_name, field_name)
    return [value] if isinstance(value, str) else list(value)


def wanted_columns(mapping: dict[str, str | list[str]]) -> dict[str, Role]:
    """Every column the mapping may read, with what for (an id wins over text, text over references)."""
    wanted: dict[str, Role] = {}
    for target in TARGETS:
        wanted.update(dict.fromkeys(columns_of(mapping, target), "references"))
    wanted.update(dict.fromkeys(columns_of(mapping, "body"), "text"))
    wanted.update(dict.fromkeys(columns_of(mapping, "id"), "id"))
    return wanted


def plan_columns(raw: RawTable, mapping: dict[str, str | list[str]], targets: Sequence[str]) -> ColumnPlan:
    """Check the columns the scored targets need; one line naming what to map otherwise."""
    present = set(raw.columns)

    def missing(field_name: str, columns: list[str]) -> DataError:
        absent = [c for c in columns if c not in present]
        hint = f"map it with dataset.fields.{field_name}" if field_name not in mapping else \
            f"fix dataset.fields.{field_name}"
        return DataError(f"{raw.label}: no column {absent[0]!r} for the article {field_name}; "
                         f"columns are {sorted(present)}; {hint}")

    id_column = mapping.get("id", "id")
    if "id" in mapping and id_column not in present:
        raise DataError(f"{raw.label}: dataset.fields.id names the column {id_column!r}, which is not there; "
                        f"columns are {sorted(present)}; fix the mapping, or remove it to number the rows")
    references: dict[str, tuple[str, ...]] = {}
    for target in TARGETS:
        columns = columns_of(mapping, target)
        if all(c in present for c in columns):
            references[target] = tuple(columns)
        elif target in targets or target in mapping:  # scored, or mapped on purpose: it must be there
            raise missing(target, columns)
    body = columns_of(mapping, "body")
    if body[0] not in present:
        raise missing("body", body)
    return ColumnPlan(id=id_column if id_column in present else None, body=body[0], references=references)


def check_types(raw: RawTable, plan: ColumnPlan, targets: Sequence[str], notes: list[str]) -> ColumnPlan:
    """Refuse a scored column that does not hold text; leave out an unscored one, with a note."""
    schema = raw.schema
    if plan.id is not None and _kind(schema.field(plan.id).type) not in ("text", "whole"):
        raise DataError(f"{raw.label}: column {plan.id!r} (the ids) holds {schema.field(plan.id).type} values; "
                        "an id must be text or a whole number")
    if _kind(schema.field(plan.body).type) != "text":
        raise DataError(f"{raw.label}: column {plan.body!r} (the body) holds {schema.field(plan.body).type} values, "
                        "expected text")
    kept: dict[str, tuple[str, ...]] = {}
    for target, columns in plan.references.items():
        odd = [c for c in columns if _kind(schema.field(c).type) not in ("text", "texts")]
        if not odd:
            kept[target] = columns
        elif target in targets:
            raise DataError(f"{raw.label}: column {odd[0]!r} (the {target}) holds {schema.field(odd[0]).type} "
                            "values, expected text or a list of texts")
        else:
            notes.append(f"{raw.label}: column {odd[0]!r} does not hold text, and the {target} is not scored: "
                         f"left out")
    return ColumnPlan(id=plan.id, body=plan.body, references=kept)


def _kind(arrow_type: Any) -> str:
    import pyarrow as pa

    types = pa.types
    if types.is_null(arrow_type) or types.is_string(arrow_type) or types.is_large_string(arrow_type):
        return "text"
    if types.is_integer(arrow_type):
        return "whole"
    if (types.is_list(arrow_type) or types.is_large_list(arrow_type)) and _kind(arrow_type.value_type) == "text":
        return "texts"
    return "other"


def table_to_articles(raw: RawTable, config: DatasetConfig, targets: Sequence[str]) -> Conversion:
    """Every row as an ``Article``, checked; see the module docstring for the rules."""
    notes: list[str] = []
    plan = check_types(raw, plan_columns(raw, config.fields, targets), targets, notes)  # the body column is there
    if raw.num_rows == 0:
        raise DataError(f"{raw.label}: no articles found; check the file or split")
    conversion = Conversion(articles=[], total_rows=raw.num_rows, notes=notes)
    seen: dict[str, int] = {}
    dropped: Counter = Counter()
    for index, row in _rows(raw, plan):
        article_id = _article_id(row, plan, index, raw)
        if article_id in seen:
            raise DataError(f"{raw.where(index)}: duplicate id {article_id!r} (rows {seen[article_id] + 1} and "
                            f"{index + 1}); ids must be unique")
        seen[article_id] = index
        article = _article(row, plan, article_id, config, targets, raw.where(index), dropped)
        empty = [t for t in targets if not article.references(t)]
        if empty:
            if config.on_empty != "skip":
                raise DataError(f"{raw.where(index)}: article {article_id!r} has an empty {empty[0]}; "
                                "fill it in, or set dataset.on_empty: skip")
            for target in empty:
                conversion.skipped.setdefault(f"empty_{target}", []).append(article_id)
            continue
        conversion.articles.append(article)
    if not conversion.articles:
        raise DataError(f"{raw.label}: every article was skipped for an empty reference; check dataset.fields")
    conversion.dropped_references = dict(dropped)
    conversion.ids_numbered = plan.id is None
    conversion.notes.extend(_notes(raw, conversion, config))
    return conversion


def _rows(raw: RawTable, plan: ColumnPlan) -> Iterator[tuple[int, dict[str, Any]]]:
    names = list(dict.fromkeys([*([plan.id] if plan.id else []), plan.body,
                                *(c for cols in plan.references.values() for c in cols)]))
    index = 0
    for batch in raw.batches(names, BATCH_ROWS):
        columns = {name: batch.column(name).to_pylist() for name in names}
        for offset in range(batch.num_rows):
            yield index, {name: values[offset] for name, values in columns.items()}
            index += 1


def _article_id(row: dict[str, Any], plan: ColumnPlan, index: int, raw: RawTable) -> str:
    if plan.id is None:
        return f"row-{index}"
    value = row[plan.id]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DataError(f"{raw.where(index)}: row {index + 1} has an empty id ({plan.id!r}); give every article an id")
    return value if isinstance(value, str) else str(value)  # a whole number: its digits, as written


def _article(row: dict[str, Any], plan: ColumnPlan, article_id: str, config: DatasetConfig,
             targets: Sequence[str], where: str, dropped: Counter) -> Article:
    body = paragraphs(row[plan.body] or "")
    if not body:
        raise DataError(f"{where}: article {article_id!r} has an empty body; remove it or fill it in")
    if len(body) > config.max_body_chars:
        raise DataError(f"{where}: article {article_id!r} has a {len(body):,}-character body, over "
                        f"dataset.max_body_chars ({config.max_body_chars:,}); fix the row, or raise the limit")
    references: dict[str, tuple[str, ...]] = {}
    for target, columns in plan.references.items():
        texts = [_reference(value, config.reference_sentences) for c in columns for value in _listed(row[c])]
        kept = tuple(t for t in texts if t)
        if target in targets and kept and len(kept) < len(texts):
            dropped[target] += len(texts) - len(kept)  # empty ones beside real ones: left out, counted
        if target in targets:
            for text in kept:
                if len(text) > config.max_reference_chars:
                    raise DataError(
                        f"{where}: article {article_id!r} has a {len(text):,}-character {target}, over "
                        f"dataset.max_reference_chars ({config.max_reference_chars:,}); fix the row, or raise the limit"
                    )
        references[target] = kept
    return Article(id=article_id, body=body, headlines=references.get("headline", ()),
                   standfirsts=references.get("standfirst", ()))


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _reference(value: str | None, sentences: str) -> str:
    if value is None:
        return ""
    text = paragraphs(value)
    return text.replace("\n", " ") if sentences == "split" else text


def paragraphs(text: str) -> str:
    """One paragraph per line: line breaks of any convention (\\n, \\r\\n, an old
    Mac's \\r) become \\n, surrounding spaces and blank lines go."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def _notes(raw: RawTable, conversion: Conversion, config: DatasetConfig) -> list[str]:
    """What was left out or made up, one line each (also recorded in results.json)."""
    notes = []
    if conversion.ids_numbered:
        notes.append(f"{raw.label}: no 'id' column, so articles are numbered by row (row-0 ... "
                     f"row-{conversion.total_rows - 1}); map one with dataset.fields.id to keep ids across edits")
    for key, ids in conversion.skipped.items():
        notes.append(f"{raw.label}: {len(ids)} article(s) with an {key.replace('_', ' ')} skipped "
                     f"(dataset.on_empty: skip); their ids are recorded under dataset.skipped")
    for target, count in conversion.dropped_references.items():
        notes.append(f"{raw.label}: {count} empty {target} reference(s) left out beside other references; "
                     "the others are scored")
    return notes
