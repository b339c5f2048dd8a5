from enum import StrEnum

class FairnessEvaluationRequestMitigateMethod(StrEnum):
    THRESHOLD_OPTIMIZER = "threshold_optimizer"

    def __str__(self) -> str:
        return str(self.value)
