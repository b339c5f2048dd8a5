from enum import StrEnum

class JobEventType(StrEnum):
    EPOCH = "epoch"
    LOG = "log"
    METRICS = "metrics"
    PROGRESS = "progress"
    STATE = "state"

    def __str__(self) -> str:
        return str(self.value)
