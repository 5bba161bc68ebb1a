package mapping

// LifecycleColumns reports whether the file has a column that renames
// (新ログイン名/New Login Name, newCode) or deletes (削除/Delete, delete)
// users: the importer reads such a file once before sending anything, so
// that renames and deletions are checked against each other across the
// whole file, not one batch at a time.
func (mp *Mapper) LifecycleColumns() bool {
	return mp.newCode != nil || mp.del != nil
}
