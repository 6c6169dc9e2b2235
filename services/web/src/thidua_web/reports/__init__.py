"""Issue 13: the console's «Báo cáo sơ kết/tổng kết» page per campaign (reporting's review reports)."""
