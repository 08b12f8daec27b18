"""A tiny app for the core's own tests: one concrete Entity (`Note`) and a saga that writes notes."""
