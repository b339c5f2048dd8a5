from enum import StrEnum

class CreateEvaluationResponse201Kind(StrEnum):
    FAIRNESS = "fairness"

    def __str__(self) -> str:
        return str(self.value)
