"""The payable item: one way to submit, withdraw, approve, return and decline every kind."""
