package validate

// TimeZones returns the time zone IDs that validate accepts without a
// warning (cybozu's list: every zone of zone.tab plus UTC), sorted. The
// template's drop-down offers exactly these, so a value picked there always
// validates.
func TimeZones() []string { return zones().IDs() }
