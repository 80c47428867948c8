"""telos: a goal-oriented, self-improving automated theorem prover over Peano theories."""

__version__ = "0.1.0"
