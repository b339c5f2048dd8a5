from enum import StrEnum

class TuningJobRequestSampler(StrEnum):
    GRID = "grid"
    RANDOM = "random"
    TPE = "tpe"

    def __str__(self) -> str:
        return str(self.value)
