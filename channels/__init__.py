"""Input channels of the assistant: the website widget (socket.io) and shared text rules."""
