"""Background jobs: routing (`queueing`), job functions (`analysis`, and later `sync`, `features`), worker."""
