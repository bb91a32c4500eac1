"""Loading Hugging Face models the same way for every summarizer that needs one.

Kept free of torch/transformers imports at module level, so ``bench --help``
and config validation stay fast; the heavy imports happen when a model loads.
"""

from bench.models.loading import LoadedModel, load_model, resolve_device, resolve_model_source
from bench.models.settings import HFModelSettings

__all__ = ["HFModelSettings", "LoadedModel", "load_model", "resolve_device", "resolve_model_source"]
