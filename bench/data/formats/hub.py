"""Datasets on the Hugging Face Hub: ``hf:NAME[:CONFIG]`` with ``dataset.split``
(and, for a repository read from its Parquet export, ``dataset.revision:
refs/convert/parquet`` with ``dataset.data_files``)."""

from __future__ import annotations

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role
from bench.data.formats._files import arrow_table, short_error
from bench.errors import DataError


class HubFormat(DatasetFormat):
    name = "hf"
    description = "hf:NAME[:CONFIG] dataset on the Hugging Face Hub, with dataset.split"
    priority = 10

    @classmethod
    def claims(cls, source: str) -> bool:
        return source.startswith("hf:")

    def read(self, source: str, config: DatasetConfig, wanted: dict[str, Role]) -> RawTable:
        name, _, config_name = source.removeprefix("hf:").partition(":")
        if not name:
            raise DataError(f"{source}: name the Hub dataset, e.g. hf:xsum or hf:cnn_dailymail:3.0.0")
        import datasets
        import huggingface_hub

        datasets.disable_progress_bars()
        # Offline, the Hub client logs each retry; the one-line error below says it all.
        datasets.logging.set_verbosity_error()
        huggingface_hub.utils.logging.set_verbosity_error()
        data_files = {config.split: config.data_files} if config.data_files else None
        try:
            loaded = datasets.load_dataset(name, config_name or None, split=config.split, revision=config.revision,
                                           data_files=data_files)
        except Exception as err:
            raise DataError(
                f"{source}: could not load split {config.split!r} from the Hugging Face Hub ({short_error(err)}); "
                "check the name and split, or download it and point dataset.source at a local file"
            ) from None
        table = arrow_table(loaded)
        columns = list(table.column_names)
        return RawTable.from_table(table.select([n for n in wanted if n in columns]), columns, source)
