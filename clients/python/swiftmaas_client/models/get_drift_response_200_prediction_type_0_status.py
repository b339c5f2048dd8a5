from enum import StrEnum

class GetDriftResponse200PredictionType0Status(StrEnum):
    DRIFT = "drift"
    INSUFFICIENT_DATA = "insufficient_data"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
