"""Issue 13, Excel both ways: «Tải Excel» of the console's tables, and the import pages (upload,
mapping, dry run, confirm) over intake's imports API."""
