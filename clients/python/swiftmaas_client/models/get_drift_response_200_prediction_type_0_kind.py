from enum import StrEnum

class GetDriftResponse200PredictionType0Kind(StrEnum):
    CATEGORICAL = "categorical"
    NUMERIC = "numeric"

    def __str__(self) -> str:
        return str(self.value)
