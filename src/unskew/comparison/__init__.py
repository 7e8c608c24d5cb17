"""The main job: cross-validate imbalance strategies on a dataset and keep the best honestly."""

from ._compare import compare
from ._model import Model, load_model, save_model
from ._result import CompareResult

__all__ = ["CompareResult", "Model", "compare", "load_model", "save_model"]
