package kintone

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// masks are the texts that may replace a secret, in order of preference.
// A scrubber uses the first whose character occurs in none of its secrets'
// forms (see String); the rest serve passwords that contain '*'.
var masks = []string{"***", "###", "~~~", "???", "%%%"}

// minAnywhereScrub is the length, in characters, from which a secret is
// replaced wherever it occurs in server text.
//
// A shorter secret (a domain's password policy may allow a password of one
// to three characters) is replaced only where it stands alone, not inside a
// longer word: replacing every "a" or "12" would wreck every message, and the
// pattern of masks would itself spell the password out. Leaving short
// secrets alone would leak them whenever the server quotes them ("password
// "ab" is too short"), and the server's own messages quote values as whole
// tokens, so whole-token replacement catches the echo that matters.
const minAnywhereScrub = 4

// minWindow is the length, in characters, of the pieces of a secret that
// are removed wherever they occur: a server that echoes a password cut to
// its field's length, or cut by a snippet of its own, still shows a long
// piece of it. Eight characters are far too many to guess the rest from
// and rarely occur by chance in a server's message.
const minWindow = 8

// scrubber removes secrets (passwords, tokens, credential headers) from the
// text a server sent, in every form a server or this package may have given
// it: as is, escaped for a Go %q, for JSON, for HTML or for a URL, or
// encoded in base64; and, for a secret of minWindow characters or more, in
// any letter case and any piece of minWindow characters of any form.
//
// Case is ignored only for those long secrets: a four-letter password
// such as "Pass" matched in any case would mask every "password" of every
// message. Folded forms are kept with their ASCII letters in lower case and
// matched against the text lowered the same way, which keeps every byte
// offset; non-ASCII letters are covered by the secret's upper- and
// lower-case forms. Base64 forms are never folded: base64 is case-sensitive,
// and its folded forms would match text that encodes something else.
//
// A nil *scrubber scrubs nothing.
type scrubber struct {
	anywhere []form // forms of secrets of minAnywhereScrub characters or more, longest first
	tokens   []form // forms of shorter secrets, longest first
	// pieces holds every minWindow-character piece of the forms of secrets
	// that long: true for a folded piece, false for one matched exactly.
	pieces map[string]bool
	mask   string // replaces each secret; its character is in no form
}

// form is one way a secret may read; text is lowered when fold is set.
type form struct {
	text string
	fold bool
}

// newScrubber prepares the forms of secrets; empty secrets are ignored.
func newScrubber(secrets []string) *scrubber {
	sc := &scrubber{}
	seen := map[form]bool{}
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		n := utf8.RuneCountInString(sec)
		plain, encoded := secretForms(sec, n >= minWindow)
		for i, text := range append(plain, encoded...) {
			f := form{text, n >= minWindow && i < len(plain)}
			if f.fold {
				f.text = asciiLower(text)
			}
			if f.text == "" || seen[f] {
				continue
			}
			seen[f] = true
			if n >= minWindow {
				sc.addPieces(f)
			}
			if n >= minAnywhereScrub {
				sc.anywhere = append(sc.anywhere, f)
			} else {
				sc.tokens = append(sc.tokens, f)
			}
		}
	}
	// Longest first, so that a form containing another is replaced whole.
	longestFirst := func(a, b form) int { return len(b.text) - len(a.text) }
	slices.SortStableFunc(sc.anywhere, longestFirst)
	slices.SortStableFunc(sc.tokens, longestFirst)
	var texts []string
	for _, f := range append(slices.Clone(sc.anywhere), sc.tokens...) {
		texts = append(texts, f.text)
	}
	sc.mask = pickMask(texts)
	return sc
}

// addPieces adds every piece of minWindow characters of f.
func (sc *scrubber) addPieces(f form) {
	if sc.pieces == nil {
		sc.pieces = make(map[string]bool)
	}
	for i := 0; i < len(f.text); {
		end, ok := windowEnd(f.text, i)
		if !ok {
			return
		}
		// A piece seen both ways is folded: that covers the exact one.
		sc.pieces[f.text[i:end]] = sc.pieces[f.text[i:end]] || f.fold
		_, size := utf8.DecodeRuneInString(f.text[i:])
		i += size
	}
}

// windowEnd returns the end of the minWindow characters of s from i, and
// false when fewer are left.
func windowEnd(s string, i int) (int, bool) {
	for n := 0; n < minWindow; n++ {
		if i >= len(s) {
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i, true
}

// asciiLower lowers the ASCII letters of s only, so that every byte keeps
// its offset: spans found in the lowered text are spans of the original.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// pickMask returns the first of masks whose character occurs in no form,
// or else three of the first character from U+2591 on that occurs in none
// (there is always one: the forms are finite).
func pickMask(forms []string) string {
	inForms := func(r rune) bool {
		for _, f := range forms {
			if strings.ContainsRune(f, r) {
				return true
			}
		}
		return false
	}
	for _, m := range masks {
		if r, _ := utf8.DecodeRuneInString(m); !inForms(r) {
			return m
		}
	}
	r := rune(0x2591)
	for inForms(r) {
		r++
	}
	return strings.Repeat(string(r), 3)
}

// secretForms lists sec as is and as the escapes and encodings that turn
// up in error text: Go's %q (this package quotes unparsable bodies; other
// Go servers and proxies quote too); JSON string escaping with and without
// HTML escaping and with non-ASCII as \u escapes in lower case (Python) and
// upper case (Java), because a truncated or malformed JSON body is shown as
// text, undecoded; HTML entities (a server's error page); URL encoding (a
// redirect's Location, a query echoed back). With cases set, sec in upper
// and lower case too, for the non-ASCII letters that folding leaves alone.
// The base64 encodings come apart, in encoded, since they must be matched
// exactly.
func secretForms(sec string, cases bool) (plain, encoded []string) {
	// Without padding: a padded encoding begins with the unpadded one.
	encoded = []string{base64.RawStdEncoding.EncodeToString([]byte(sec)), base64.RawURLEncoding.EncodeToString([]byte(sec))}
	q := strconv.Quote(sec)
	qa := strconv.QuoteToASCII(sec)
	forms := []string{sec, q[1 : len(q)-1], qa[1 : len(qa)-1]}
	if cases {
		forms = append(forms, strings.ToUpper(sec), strings.ToLower(sec))
	}
	forms = append(forms, htmlForms(sec)...)
	forms = append(forms, url.QueryEscape(sec), url.PathEscape(sec), queryEscape(sec))
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(sec) != nil {
			continue
		}
		j := strings.TrimSuffix(b.String(), "\n")
		j = j[1 : len(j)-1]
		forms = append(forms, j, jsonASCII(j, false), jsonASCII(j, true))
	}
	return forms, encoded
}

// htmlForms lists sec with HTML's special characters written as entities,
// once with each common spelling of the quotes (&#34; &#39;, as Go's
// html.EscapeString writes them; &quot; &apos;; &#x22; &#x27;).
func htmlForms(sec string) []string {
	var forms []string
	for _, quotes := range [][2]string{{"&#34;", "&#39;"}, {"&quot;", "&apos;"}, {"&#x22;", "&#x27;"}} {
		r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, quotes[0], "'", quotes[1])
		forms = append(forms, r.Replace(sec))
	}
	return forms
}

// jsonASCII rewrites the non-ASCII characters of the JSON string body j as
// \u escapes (UTF-16 surrogate pairs beyond the BMP), with upper-case hex
// digits when upper is set.
func jsonASCII(j string, upper bool) string {
	var b strings.Builder
	for _, r := range j {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		units := []rune{r}
		if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar {
			units = []rune{r1, r2}
		}
		for _, u := range units {
			b.WriteString(`\u`)
			b.WriteString(hex4(u, upper))
		}
	}
	return b.String()
}

// hex4 formats a UTF-16 code unit as four hex digits.
func hex4(u rune, upper bool) string {
	s := strconv.FormatInt(int64(u), 16)
	s = strings.Repeat("0", 4-len(s)) + s
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

// String returns s with every occurrence of every form of every secret,
// and of every minWindow-character piece of one, replaced by the mask (for
// short secrets, every occurrence that stands alone).
//
// All occurrences are found in s first, overlapping ones included, and each
// run of overlapping or adjacent ones becomes one mask. The mask's
// character occurs in no form, so what is left, pieces of s that held no
// occurrence joined by masks, cannot hold one either: a single pass is
// final, whatever the secrets contain. (A short secret's form that was
// glued to a masked secret may stand alone afterwards; it was part of that
// secret's surroundings, not a token of its own, and stays.)
func (sc *scrubber) String(s string) string {
	if sc == nil || s == "" {
		return s
	}
	type span struct{ start, end int }
	var spans []span
	ls := asciiLower(s)
	find := func(fm form, token bool) {
		f, text := fm.text, s
		if fm.fold {
			text = ls
		}
		for i := 0; i <= len(s)-len(f); {
			j := strings.Index(text[i:], f)
			if j < 0 {
				return
			}
			start := i + j
			end := start + len(f)
			if !token || startsToken(s, start, f) && endsToken(s, end, f) {
				spans = append(spans, span{start, end})
			}
			_, size := utf8.DecodeRuneInString(s[start:])
			i = start + size
		}
	}
	for _, f := range sc.anywhere {
		find(f, false)
	}
	for _, f := range sc.tokens {
		find(f, true)
	}
	if len(sc.pieces) > 0 {
		for i := 0; i < len(s); i++ {
			if !utf8.RuneStart(s[i]) {
				continue
			}
			end, ok := windowEnd(s, i)
			if !ok {
				break
			}
			if sc.pieces[ls[i:end]] {
				spans = append(spans, span{i, end})
			} else if _, exact := sc.pieces[s[i:end]]; exact {
				spans = append(spans, span{i, end})
			}
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	last := 0 // end of the text written so far
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(s[last:start])
		b.WriteString(sc.mask)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// startsToken reports whether f, found at s[start:], does not continue a
// word: when f begins with a letter or digit, the character before must
// not be one.
func startsToken(s string, start int, f string) bool {
	first, _ := utf8.DecodeRuneInString(f)
	if start == 0 || !isWordRune(first) {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:start])
	return !isWordRune(prev)
}

// endsToken is startsToken for the end of f at s[:end].
func endsToken(s string, end int, f string) bool {
	last, _ := utf8.DecodeLastRuneInString(f)
	if end == len(s) || !isWordRune(last) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(s[end:])
	return !isWordRune(next)
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// trimPartial removes from the end of s the longest part that begins some
// form of a secret: s was cut (at a read limit or for
// a snippet) and the secret may have gone on past the cut, where String
// could not see it whole. Dropping a few characters of text already cut
// costs nothing.
func (sc *scrubber) trimPartial(s string) string {
	if sc == nil {
		return s
	}
	ls := asciiLower(s)
	cut := len(s)
	try := func(forms []form, token bool) {
		for _, fm := range forms {
			f, text := fm.text, s
			if fm.fold {
				text = ls
			}
			// Longest proper prefix first; only one that reaches further
			// back than the best cut so far can improve it.
			for k := min(len(f)-1, len(s)); k > len(s)-cut; k-- {
				start := len(s) - k
				if strings.HasSuffix(text, f[:k]) && (!token || startsToken(s, start, f)) {
					cut = start
					break
				}
			}
		}
	}
	try(sc.anywhere, false)
	try(sc.tokens, true)
	return s[:cut]
}

// snippet returns at most n bytes of s, cut at a character boundary and
// marked with "...", never ending in the beginning of a secret. s must
// already be scrubbed: a whole secret is gone, and only the cut can split
// one.
func (sc *scrubber) snippet(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return sc.trimPartial(s[:n]) + "..."
}

// jsonValue renders a JSON value with every string in it (keys too)
// decoded and scrubbed, so that no escape (\", \u0041) can hide a secret,
// then re-encoded. It returns false when raw is not valid JSON.
func (sc *scrubber) jsonValue(raw []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return "", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(sc.scrubValue(v)) != nil {
		return "", false
	}
	return strings.TrimSuffix(b.String(), "\n"), true
}

func (sc *scrubber) scrubValue(v any) any {
	switch x := v.(type) {
	case string:
		return sc.String(x)
	case []any:
		for i := range x {
			x[i] = sc.scrubValue(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[sc.String(k)] = sc.scrubValue(e)
		}
		return out
	}
	return v
}

// apiError removes the secrets from every text of e that came from the
// server or quotes it. The error code is scrubbed too: a password that
// happened to equal one would otherwise be printed by Error(), and losing
// the classification of such an error is the lesser harm.
func (sc *scrubber) apiError(e *APIError) {
	if sc == nil {
		return
	}
	e.Code = sc.String(e.Code)
	e.ID = sc.String(e.ID)
	e.Message = sc.String(e.Message)
	for i := range e.Errors {
		fe := &e.Errors[i]
		fe.Key = sc.String(fe.Key)
		fe.Field = sc.String(fe.Field)
		for j := range fe.Messages {
			fe.Messages[j] = sc.String(fe.Messages[j])
		}
	}
}
