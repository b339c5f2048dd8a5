from enum import StrEnum

class FairnessEvaluationRequestMitigateConstraint(StrEnum):
    DEMOGRAPHIC_PARITY = "demographic_parity"
    EQUALIZED_ODDS = "equalized_odds"

    def __str__(self) -> str:
        return str(self.value)
