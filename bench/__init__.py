"""Side-by-side benchmark of our assistant and the stock Rasa pipeline.

Run it with ``python -m bench`` (or ``make bench``) from the repository root.
It trains both configurations on the same domain and data, evaluates NLU on the
held-out split, measures latency, throughput and memory through the REST
channel with the action server running, and writes ``bench/results.json``,
``bench/results.md`` and ``bench/latency.png``.
"""
