"""Running a lesson once: the dataset, the cache, the bounded pool, the run's exercises and figures."""
