from enum import StrEnum

class TuningJobRequestObjectiveDirection(StrEnum):
    MAXIMIZE = "maximize"
    MINIMIZE = "minimize"

    def __str__(self) -> str:
        return str(self.value)
