"""Issue 15: deadlines — due dates of unit reports and reviews, reminders and the escalation ladder."""
