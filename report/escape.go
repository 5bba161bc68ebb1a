package report

// A spreadsheet that opens a CSV file runs any cell that starts with one of
// these characters as a formula ("CSV injection", OWASP). Tab and CR are on
// the list because some spreadsheets strip them and then see the "=" behind.
func isFormulaTrigger(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// looksLikeFormula reports whether s, after any leading single quotes, starts
// with a formula trigger. Counting the quotes is what makes EscapeFormula
// reversible: "'=x" is escaped with a second leading quote, so no escaped
// value can be mistaken for an unescaped one.
func looksLikeFormula(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && isFormulaTrigger(s[i])
}

// EscapeFormula neutralises a cell that a spreadsheet would run as a formula,
// the way OWASP recommends: a value starting with = + - @ TAB or CR gets a
// leading single quote, which spreadsheets show as text. Values such as
// "-5" or a phone number "+81 3 1234 5678" are escaped too: the quote is the
// price of never running an attacker's "=HYPERLINK(...)" from an HR export,
// and OWASP recommends paying it rather than guessing which values are
// numbers.
//
// A value that is already a quoted formula ("'=x") gets one more quote, so
// UnescapeFormula always restores the original exactly. Everything else is
// returned unchanged, without allocating.
func EscapeFormula(s string) string {
	if looksLikeFormula(s) {
		return "'" + s
	}
	return s
}

// UnescapeFormula undoes EscapeFormula: it removes the leading quote that
// EscapeFormula added and leaves every other value alone. Scripts that read
// a CSV or XLSX report without this package apply the same rule: strip one
// leading ' when the rest, after any further quotes, starts with = + - @ TAB
// or CR.
func UnescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && looksLikeFormula(s[1:]) {
		return s[1:]
	}
	return s
}
