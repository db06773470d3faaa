"""A client library for accessing TimeBack OneRoster v1.2 write endpoints"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
