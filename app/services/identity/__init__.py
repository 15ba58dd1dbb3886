"""Who people are and what they may do: accounts, passwords, the permission table."""
