from enum import StrEnum

class GetDriftResponse200FeaturesItemKsType0Method(StrEnum):
    ASYMPTOTIC = "asymptotic"
    EXACT = "exact"

    def __str__(self) -> str:
        return str(self.value)
