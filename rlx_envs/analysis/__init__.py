"""Analysis tools shared by every application: statistics, transfer metrics, plots, provenance."""
