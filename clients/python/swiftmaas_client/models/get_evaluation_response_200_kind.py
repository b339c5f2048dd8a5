from enum import StrEnum

class GetEvaluationResponse200Kind(StrEnum):
    FAIRNESS = "fairness"

    def __str__(self) -> str:
        return str(self.value)
