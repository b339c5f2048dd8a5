from enum import StrEnum

class CreateEvaluationResponse201MitigationRulesItemThreshold0Type1(StrEnum):
    INF = "inf"
    VALUE_1 = "-inf"

    def __str__(self) -> str:
        return str(self.value)
