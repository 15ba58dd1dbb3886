"""The domain's tables, one module per part. Importing this package registers them all."""

from app.models.history import HistoryEvent
from app.models.users import LoginSession, Role, User

__all__ = ["HistoryEvent", "LoginSession", "Role", "User"]
