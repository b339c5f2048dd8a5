from enum import StrEnum

class RecommendResponse200Source(StrEnum):
    FOLD_IN = "fold_in"
    MODEL = "model"
    POPULAR = "popular"

    def __str__(self) -> str:
        return str(self.value)
