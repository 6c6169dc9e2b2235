"""Issue 13 item 4: the statutory forms of Circular 02/2023/TT-BNV (0601.N, 0602.N, 0603.N) for the
reporting unit (the tenant) and a year, computed from reporting's own read models of campaigns and
awards, as XLSX in the official layout and as PDF."""
