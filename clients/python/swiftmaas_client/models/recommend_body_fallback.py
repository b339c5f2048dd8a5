from enum import StrEnum

class RecommendBodyFallback(StrEnum):
    NONE = "none"
    POPULAR = "popular"

    def __str__(self) -> str:
        return str(self.value)
