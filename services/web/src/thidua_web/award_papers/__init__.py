"""issue 13: award papers — the board officer's decision batch page (choose nominations at the
decision stage, issue one decision, download the tờ trình, quyết định and certificates) and the
certificate calibration page with its test page."""
