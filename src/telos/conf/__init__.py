"""The Hydra configs of `telos run` (package data; see docs/loop.md)."""
