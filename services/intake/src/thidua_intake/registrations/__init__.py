"""Registrations (đăng ký thi đua): a unit commits to targets per criterion and period and names
the titles it aims for; every later target change carries a reason and stays in the history."""
