"""Evidence files of a unit's results: uploaded through intake, stored in GridFS with their SHA-256."""
