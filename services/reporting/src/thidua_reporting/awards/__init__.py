"""Award history (who was awarded what, by which decision) and nomination timeliness, projected
from the nominations topic."""
