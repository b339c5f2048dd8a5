from enum import StrEnum

class ExplainPredictionResponse200Units(StrEnum):
    LOG_ODDS = "log_odds"
    PROBABILITY = "probability"
    VALUE = "value"

    def __str__(self) -> str:
        return str(self.value)
