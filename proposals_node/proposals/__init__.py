"""The proposals domain: proposals, their statuses, and their packages in the workflows node."""
