"""Issue 13 item 4: the statutory forms of Circular 02/2023/TT-BNV (0601–0603) on the board's pages:
a section of /board and /board/forms choosing form, year and file type; the file is reporting's
GET /api/v1/forms/{form}, fetched as the signed-in user and passed on as a download."""
