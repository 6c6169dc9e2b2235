"""The pipeline benchmark's parts (bench/pipeline.py runs them): one module per phase, and
what they share."""
