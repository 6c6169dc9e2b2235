"""The unit registry (danh mục đơn vị): hierarchy, renames, merges and splits."""
