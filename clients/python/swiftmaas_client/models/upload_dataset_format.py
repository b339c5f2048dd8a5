from enum import StrEnum

class UploadDatasetFormat(StrEnum):
    CSV = "csv"
    IDX = "idx"
    JSONL = "jsonl"
    NPY = "npy"
    TSV = "tsv"

    def __str__(self) -> str:
        return str(self.value)
