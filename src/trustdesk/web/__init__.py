"""The Django shell around the engines: settings, apps, views, the task queue glue."""
