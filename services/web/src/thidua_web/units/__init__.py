"""The board's unit register: the tree of units, create, rename, merge, split, lineage (issue 11)."""
