"""The shared harness of the tests, the evaluation scripts and the benchmark.

Real servers on 127.0.0.1: the assistant (Rasa + action server as subprocesses,
``harness.servers``) and a fake WhatsApp Cloud API (``harness.fake_graph``). It lives
outside ``tests/`` so that ``bench/`` and ``scripts/`` never import from the tests.
"""
