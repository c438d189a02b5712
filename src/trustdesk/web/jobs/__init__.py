"""Background work: a record of every queued task run, its progress and its outcome."""
