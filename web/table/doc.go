// Package table is the Check step's model of one uploaded file: the whole
// file in memory (File), every row checked with the command line's own
// mapping and validation rules (Checker), and the editable grid that
// pages, filters and counts the findings and re-checks a row, and the
// duplicates it takes part in, the moment one of its cells changes
// (Grid). It knows nothing of HTTP, jobs or the import.
package table
