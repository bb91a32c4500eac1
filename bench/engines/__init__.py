"""Engines run summarizers over batches of work. ``local`` (the default) runs
in this process; other engines (e.g. Ray) ship the same batches elsewhere.
The runner owns what happens around them: caching, writing, scoring."""
