"""Memory: the durable store of people, conversations and messages (and, later, what is learned from them)."""

from os1.memory.store import Conversation, ConversationSummary, Store, StoredMessage, User

__all__ = ["Conversation", "ConversationSummary", "Store", "StoredMessage", "User"]
