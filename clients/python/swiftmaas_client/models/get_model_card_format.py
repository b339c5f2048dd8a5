from enum import StrEnum

class GetModelCardFormat(StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"
    MD = "md"

    def __str__(self) -> str:
        return str(self.value)
