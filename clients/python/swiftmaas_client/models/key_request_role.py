from enum import StrEnum

class KeyRequestRole(StrEnum):
    ADMIN = "admin"
    DEVELOPER = "developer"
    INFERENCE = "inference"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
