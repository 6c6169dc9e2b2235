"""Verification of submissions (kiểm tra, thẩm định): approve, return with a reason per criterion,
reject; the unit resubmits only what was returned, or appeals once to the next level."""
