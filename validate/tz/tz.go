// Package tz looks time zone values up in a list of accepted IDs and a
// list of the other names of the IANA database, and suggests the ID that a
// mistyped or copied value most likely means. It never asks the host:
// time.LoadLocation also opens any file under the host's zoneinfo directory
// (right/Asia/Tokyo, posixrules, localtime, Factory) and knows only what
// the host's tzdata knows, so its verdict would depend on the machine.
package tz

import (
	"slices"
	"strings"
)

// Table is a parsed pair of time zone lists. It is safe for concurrent
// use: nothing changes it after Parse.
type Table struct {
	listed []string // the accepted IDs, sorted
	other  []alias  // the other names, sorted
}

// alias is an IANA name that is not a listed ID, and the listed ID that
// keeps the same time today ("" = none, for Etc/GMT+N and Etc/GMT-N).
type alias struct{ name, same string }

// Parse reads the lists: listed holds an accepted ID a line, aliases a
// name a line, optionally followed by a space and the listed ID that keeps
// the same time. Blank lines and lines starting with # are skipped.
func Parse(listed, aliases string) *Table {
	z := &Table{listed: lines(listed)}
	for _, l := range lines(aliases) {
		name, same, _ := strings.Cut(l, " ")
		z.other = append(z.other, alias{name, same})
	}
	slices.Sort(z.listed)
	slices.SortFunc(z.other, func(a, b alias) int { return strings.Compare(a.name, b.name) })
	return z
}

// lines returns the lines of a list that are neither blank nor comments.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
			out = append(out, l)
		}
	}
	return out
}

// IDs returns a copy of the listed IDs, sorted.
func (z *Table) IDs() []string { return slices.Clone(z.listed) }

// Class is the verdict on a time zone value.
type Class uint8

// The classes of a value.
const (
	Unknown Class = iota // no name of either list
	Listed               // an ID of the list of accepted ones
	Other                // another IANA name
)

// Classify looks s up in the lists, case-sensitively (as the User API
// does). same is, for Other, the listed ID that keeps the same time.
func (z *Table) Classify(s string) (c Class, same string) {
	if _, ok := slices.BinarySearch(z.listed, s); ok {
		return Listed, ""
	}
	if i, ok := slices.BinarySearchFunc(z.other, s, func(n alias, s string) int { return strings.Compare(n.name, s) }); ok {
		return Other, z.other[i].same
	}
	return Unknown, ""
}

// maxSuggestLen bounds the values Suggest tries to correct: the
// longest listed ID has 30 characters, and a longer value is no typo.
const maxSuggestLen = 40

// Suggest returns the listed ID that the unknown value s most
// likely means, or "": the same name without the host directory it was
// copied from (right/Asia/Tokyo), in other case (asia/tokyo), the city
// alone (Tokyo, "new york"), or the ID within a few typing mistakes
// (Asia/Tokio). It costs tens of microseconds: callers that see the same
// values again should cache it.
func (z *Table) Suggest(s string) string {
	if len(s) > maxSuggestLen {
		return ""
	}
	for _, dir := range []string{"right/", "posix/"} {
		if t, ok := strings.CutPrefix(s, dir); ok {
			s = t
			break
		}
	}
	listedOrSame := func(name string) string {
		switch c, same := z.Classify(name); c {
		case Listed:
			return name
		case Other:
			return same
		}
		return ""
	}
	if id := listedOrSame(s); id != "" {
		return id
	}
	for _, id := range z.listed {
		if strings.EqualFold(id, s) {
			return id
		}
	}
	for _, n := range z.other {
		if n.same != "" && strings.EqualFold(n.name, s) {
			return n.same
		}
	}
	// Without a region, compare the cities; with one, the whole ID.
	city := strings.IndexByte(s, '/') < 0
	key := func(id string) string {
		if city {
			return id[strings.LastIndexByte(id, '/')+1:]
		}
		return id
	}
	if city {
		want := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return '_'
			}
			return r
		}, s)
		for _, id := range z.listed {
			if strings.EqualFold(key(id), want) {
				return id
			}
		}
	}
	best, bestDist := "", 1+len(s)/5 // more mistakes than that make a guess
	for _, id := range z.listed {
		if d := foldedDistance(key(id), s, bestDist); d < bestDist {
			best, bestDist = id, d
		}
	}
	return best
}

// foldedDistance returns the Levenshtein distance between a and b ignoring
// ASCII case, or limit if it is limit or more.
func foldedDistance(a, b string, limit int) int {
	if len(a) > maxSuggestLen || len(b) > maxSuggestLen || len(a)-len(b) >= limit || len(b)-len(a) >= limit {
		return limit
	}
	var prevRow, row [maxSuggestLen + 1]int
	for j := 0; j <= len(b); j++ {
		prevRow[j] = j
	}
	for i := 1; i <= len(a); i++ {
		row[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lowerByte(a[i-1]) == lowerByte(b[j-1]) {
				cost = 0
			}
			row[j] = min(prevRow[j]+1, row[j-1]+1, prevRow[j-1]+cost)
			rowMin = min(rowMin, row[j])
		}
		if rowMin >= limit {
			return limit
		}
		prevRow = row
	}
	return min(prevRow[len(b)], limit)
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
