"""The categorise stage: which configured risk categories a post belongs to, with calibrated probabilities."""
from classifier.categorise.model import CategoryModel, LabelledText, train_category_model

__all__ = ["CategoryModel", "LabelledText", "train_category_model"]
