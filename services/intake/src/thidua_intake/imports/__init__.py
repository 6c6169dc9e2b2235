"""Issue 13, Excel both ways (import): units, targets, results and past awards from an XLSX or CSV
file, with a column mapping the user confirms, a dry run that writes nothing, and an import that
writes each valid row exactly once (even when the same file is imported again), audited."""
