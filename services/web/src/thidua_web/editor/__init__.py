"""The campaign editor: criteria tree, scorer parameters, clusters, participants, lifecycle, preview, revisions (issue 11)."""
