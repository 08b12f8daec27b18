"""The workflows domain: packages that ask for a decision on another node's entity."""
