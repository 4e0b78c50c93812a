"""Comments on academy accounts: the reply deadline, alerts, and the chat."""
