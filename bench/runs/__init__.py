"""Run records: a run directory, the pipeline that fills it, and its report."""
