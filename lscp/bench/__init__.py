"""The parts of `make bench` (lscp/management/commands/bench.py) that are large enough for a module of their own."""
