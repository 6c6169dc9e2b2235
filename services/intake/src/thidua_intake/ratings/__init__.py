"""Reviewer ratings (chấm điểm thẩm định): the board, or the head or deputy of a unit's cluster,
rates the unit on the criteria that are not reported but judged."""
