from enum import StrEnum

class DatasetSchemaColumnsItemKind(StrEnum):
    CATEGORICAL = "categorical"
    LABEL = "label"
    NUMERIC = "numeric"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
