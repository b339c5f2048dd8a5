from enum import StrEnum

class GetDriftResponse200PredictionType0KsType0Method(StrEnum):
    ASYMPTOTIC = "asymptotic"
    EXACT = "exact"

    def __str__(self) -> str:
        return str(self.value)
