"""Many runs in, one leaderboard out (JSON, Markdown)."""
