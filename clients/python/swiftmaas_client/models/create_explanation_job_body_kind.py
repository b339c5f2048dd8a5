from enum import StrEnum

class CreateExplanationJobBodyKind(StrEnum):
    PARTIAL_DEPENDENCE = "partial_dependence"
    PERMUTATION_IMPORTANCE = "permutation_importance"

    def __str__(self) -> str:
        return str(self.value)
