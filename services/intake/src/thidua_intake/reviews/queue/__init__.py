"""The review queue and a unit's periods (GET /api/v1/submissions): the latest submission of each
unit and period with its review state, who must act next and by when."""
