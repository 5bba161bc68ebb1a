package i18n

import (
	"sort"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Key identifies one message of the catalog. Keys are stable: code and
// tests refer to them, translators look them up; wording changes keep the
// key.
type Key string

// Msg is a message not yet rendered: its key and arguments. An argument
// that is itself a Msg (a field's name, a reason) is rendered in the same
// language first, so a sentence and its parts never mix languages.
type Msg struct {
	Key  Key
	Args []any
}

// M returns the message key with args.
func M(key Key, args ...any) Msg { return Msg{key, args} }

// IsZero reports whether m names no message.
func (m Msg) IsZero() bool { return m.Key == "" }

// In renders m in l.
func (m Msg) In(l Lang) string { return l.Sprintf(m.Key, m.Args...) }

// entry is one message in every language. A plain entry is a format
// string per language, in fmt's syntax with explicit argument indexes
// (%[2]s) where the languages order the arguments differently. A plural
// entry chooses its wording by the count in argument plural.arg.
type entry struct {
	key    Key
	text   [numLangs]string
	plural *pluralForms
}

// pluralForms are the wordings of an entry by the count in argument arg
// (1-based): one for a count of 1, other for any other count. Japanese
// has no plural, so it gives other only.
type pluralForms struct {
	arg      int
	one      [numLangs]string
	other    [numLangs]string
	countFmt string // how the count itself is formatted, such as "%d"
}

// entries is the catalog: every message a person reads, in every
// language. Rule ids, status values, flag names and column names stay
// as they are in both languages: scripts depend on them.
var entries = concat(whereEntries, nounEntries, validateEntries, emailEntries, orgEntries, dateEntries, ruleEntries, reportEntries, summaryEntries)

func concat(lists ...[]entry) []entry {
	var out []entry
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// e makes a plain entry.
func e(key Key, en, ja string) entry { return entry{key: key, text: [numLangs]string{en, ja}} }

// index finds an entry by key.
var index = func() map[Key]int {
	m := make(map[Key]int, len(entries))
	for i, e := range entries {
		if _, dup := m[e.key]; dup {
			panic("i18n: key " + string(e.key) + " listed twice")
		}
		m[e.key] = i
	}
	return m
}()

// Catalog is the x/text catalog of every entry, for callers that format
// through a message.Printer themselves (such as HTML templates).
var Catalog catalog.Catalog = func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, e := range entries {
		for l := Lang(0); l < numLangs; l++ {
			var err error
			if e.plural != nil {
				p := e.plural
				cases := []any{}
				if p.one[l] != "" {
					cases = append(cases, "=1", p.one[l])
				}
				cases = append(cases, "other", p.other[l])
				err = b.Set(l.Tag(), string(e.key), plural.Selectf(p.arg, p.countFmt, cases...))
			} else {
				err = b.SetString(l.Tag(), string(e.key), e.text[l])
			}
			if err != nil {
				panic("i18n: " + string(e.key) + ": " + err.Error())
			}
		}
	}
	return b
}()

var printers = func() (p [numLangs]*message.Printer) {
	for l := range p {
		p[l] = message.NewPrinter(Lang(l).Tag(), message.Catalog(Catalog))
	}
	return p
}()

// Printer returns the x/text printer of l over the catalog. Note that it
// formats numbers the way l writes them (12,345), which suits counts but
// not row numbers or codes: pass those as strings.
func (l Lang) Printer() *message.Printer {
	if l >= numLangs {
		l = English
	}
	return printers[l]
}

// Sprintf renders the message key in l. Arguments that are Msgs are
// rendered in l first. A key missing from the catalog renders as
// "!(MISSING key)", which the catalog's tests forbid.
func (l Lang) Sprintf(key Key, args ...any) string {
	return string(l.Append(nil, key, args...))
}

// renderArgs replaces, in place, the Msg arguments of args by their text
// in l and the pointers Append takes by what they point to, for fmt and
// the printer, which know neither.
func renderArgs(l Lang, args []any) {
	for i, a := range args {
		switch p := a.(type) {
		case Msg:
			args[i] = l.Sprintf(p.Key, p.Args...)
		case *Msg:
			args[i] = l.Sprintf(p.Key, p.Args...)
		case *string:
			args[i] = *p
		case *int:
			args[i] = *p
		}
	}
}

// Has reports whether the catalog holds key.
func Has(key Key) bool {
	_, ok := index[key]
	return ok
}

// Keys lists every key of the catalog, sorted.
func Keys() []Key {
	out := make([]Key, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.key)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Formats returns the wordings of key in l: the format string of a plain
// entry, the one and other forms of a plural one (empty ones left out).
// Tests use it to check every translation.
func Formats(l Lang, key Key) []string {
	i, ok := index[key]
	if !ok || l >= numLangs {
		return nil
	}
	e := &entries[i]
	if e.plural == nil {
		return []string{e.text[l]}
	}
	var out []string
	for _, s := range []string{e.plural.one[l], e.plural.other[l]} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
