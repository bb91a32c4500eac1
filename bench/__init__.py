"""headline-bench: benchmark headline and standfirst generation with ROUGE.

The data flows one way, and the sub-packages follow it:
``data`` (articles) -> ``summarizers`` (predictions) -> ``metrics`` (scores)
-> ``runs`` (run record) -> ``leaderboard``.
"""

__version__ = "0.1.0"
