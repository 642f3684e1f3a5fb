"""What the tests share: worlds, makers, clients, query counts, a real SMTP server."""
