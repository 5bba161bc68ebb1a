// Package textenc tells which character encoding a text file is in, from
// its first bytes, decodes it to UTF-8, and recognises text that has been
// through the wrong decoding once ("mojibake"). It knows the encodings in
// which people save the user lists of a Japanese or Western office: UTF-8
// (with or without a byte order mark), Shift_JIS (CP932), Windows-1252 and
// UTF-16. Its messages advise in the terms of userimport's --encoding
// flag.
package textenc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names, as Choice.Name gives them.
const (
	UTF8        = "utf-8"
	UTF8BOM     = "utf-8 (BOM)"
	ShiftJIS    = "shift_jis"
	Windows1252 = "windows-1252"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
)

// Names lists the values Normalise accepts besides "" and "auto", for
// flag help and error messages.
var Names = []string{"utf-8", "shift_jis", "windows-1252", "utf-16", "utf-16le", "utf-16be"}

// ErrEncoding: the bytes are not in an encoding this package reads, or
// an encoding asked for is unknown.
var ErrEncoding = errors.New("invalid text encoding")

// NotTextError says the bytes are not text in any encoding (a ZIP
// package, an OLE2 compound file, binary data), so the caller can say
// what kind of file it expected instead.
type NotTextError struct {
	// Reason says what the bytes are and what to do.
	Reason string
}

func (e *NotTextError) Error() string { return "not a text file: " + e.Reason }

// Choice is what Detect decided: the encoding's name and the length of
// a byte order mark to drop.
type Choice struct {
	Name string
	BOM  int
}

// Decoder returns the transformer from the file's bytes to UTF-8, nil for
// UTF-8 itself.
func (c Choice) Decoder() *encoding.Decoder {
	switch c.Name {
	case ShiftJIS:
		return japanese.ShiftJIS.NewDecoder()
	case Windows1252:
		return charmap.Windows1252.NewDecoder()
	case UTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case UTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	}
	return nil
}

// Reader wraps r (positioned after any BOM) in the decoder.
func (c Choice) Reader(r io.Reader) io.Reader {
	if d := c.Decoder(); d != nil {
		return transform.NewReader(r, d)
	}
	return r
}

var boms = []struct {
	prefix string
	name   string
}{
	// UTF-32 first: its little-endian mark starts with UTF-16's.
	{"\xFF\xFE\x00\x00", "UTF-32LE"},
	{"\x00\x00\xFE\xFF", "UTF-32BE"},
	{"\xEF\xBB\xBF", UTF8BOM},
	{"\xFF\xFE", UTF16LE},
	{"\xFE\xFF", UTF16BE},
}

// Normalise maps the name of an encoding as a person gives it (--encoding
// utf8, cp932, latin1...) to one of the names above, or "utf-16" for
// UTF-16 of either byte order; "" means detect.
func Normalise(want string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(want)) {
	case "", "auto":
		return "", nil
	case "utf-8", "utf8":
		return UTF8, nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j", "ms932":
		return ShiftJIS, nil
	case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "ansi":
		return Windows1252, nil
	case "utf-16", "utf16", "unicode":
		return "utf-16", nil
	case "utf-16le", "utf16le":
		return UTF16LE, nil
	case "utf-16be", "utf16be":
		return UTF16BE, nil
	}
	return "", fmt.Errorf("%w: unknown encoding %q (want auto, %s)", ErrEncoding, want, strings.Join(Names, ", "))
}

// Detect picks the decoder for a text file from its first bytes (sample;
// atEOF when they are the whole file) and want, a name for Normalise (""
// or "auto" to detect). A byte order mark always decides. The error is
// an ErrEncoding or a *NotTextError.
func Detect(sample []byte, atEOF bool, want string) (Choice, error) {
	forced, err := Normalise(want)
	if err != nil {
		return Choice{}, err
	}
	for _, b := range boms {
		if !bytes.HasPrefix(sample, []byte(b.prefix)) {
			continue
		}
		if strings.HasPrefix(b.name, "UTF-32") {
			return Choice{}, fmt.Errorf("%w: the file is %s (it starts with that byte order mark), which is not supported; save it as \"CSV UTF-8\"", ErrEncoding, b.name)
		}
		return Choice{Name: b.name, BOM: len(b.prefix)}, nil
	}
	switch {
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")):
		return Choice{}, &NotTextError{Reason: "this is a ZIP file, probably an Excel workbook; give it the .xlsx extension"}
	case bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return Choice{}, &NotTextError{Reason: "this is a legacy .xls or password-protected Excel file; save it as CSV or .xlsx without a password"}
	}
	switch forced {
	case "utf-16":
		return Choice{Name: UTF16LE}, nil
	case UTF16LE, UTF16BE:
		return Choice{Name: forced}, nil
	}
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		if looksUTF16(sample) {
			return Choice{}, fmt.Errorf("%w: the file looks like UTF-16 without a byte order mark; give --encoding utf-16le or utf-16be, or save it as \"CSV UTF-8\"", ErrEncoding)
		}
		return Choice{}, &NotTextError{Reason: fmt.Sprintf("binary data (a NUL byte at offset %d); this is not a text file", i)}
	}
	if forced != "" {
		return Choice{Name: forced}, nil
	}
	if !atEOF {
		sample = TrimPartialRune(sample)
	}
	utfErr := firstInvalidUTF8(sample)
	if utfErr == "" {
		return Choice{Name: UTF8}, nil
	}
	if !atEOF {
		sample = trimPartialSJIS(sample)
	}
	sjisPenalty, sjisErr := scoreSJIS(sample)
	cpPenalty, cpErr := scoreCP1252(sample)
	switch {
	case sjisErr == "" && cpErr == "":
		// Both decode; the one that reads more like text wins, a tie
		// goes to Shift_JIS, the encoding of cybozu.com's own files.
		if cpPenalty < sjisPenalty {
			return Choice{Name: Windows1252}, nil
		}
		return Choice{Name: ShiftJIS}, nil
	case sjisErr == "":
		return Choice{Name: ShiftJIS}, nil
	case cpErr == "":
		return Choice{Name: Windows1252}, nil
	}
	return Choice{}, fmt.Errorf("%w: the encoding could not be detected: it is not UTF-8 (%s), not Shift_JIS (%s) and not Windows-1252 (%s); save the file as \"CSV UTF-8\", or give --encoding",
		ErrEncoding, utfErr, sjisErr, cpErr)
}

// looksUTF16 reports whether NUL bytes sit at every other position, as in
// mostly-ASCII text in UTF-16.
func looksUTF16(b []byte) bool {
	n := min(len(b), 512) &^ 1
	if n < 4 {
		return false
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	return (even*10 >= half*8 && odd*10 < half*2) || (odd*10 >= half*8 && even*10 < half*2)
}

// where names an offset of the sample as "line N".
func where(b []byte, off int) string {
	return fmt.Sprintf("line %d", bytes.Count(b[:off], []byte{'\n'})+1)
}

// firstInvalidUTF8 describes the first byte that is not UTF-8, or "".
func firstInvalidUTF8(b []byte) string {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return fmt.Sprintf("byte 0x%02X on %s starts no UTF-8 character", b[i], where(b, i))
		}
		i += n
	}
	return ""
}

// TrimPartialRune drops a multi-byte UTF-8 sequence cut off by the end of
// the sample, so a valid file is not mistaken for Shift_JIS just because
// the 64 KiB boundary falls inside a character.
func TrimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// trimPartialSJIS drops a Shift_JIS lead byte cut off by the end of the
// sample.
func trimPartialSJIS(b []byte) []byte {
	i := 0
	for i < len(b) {
		if isSJISLead(b[i]) {
			if i+1 == len(b) {
				return b[:i]
			}
			i += 2
			continue
		}
		i++
	}
	return b
}

func isSJISLead(c byte) bool { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC) }

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// scoreSJIS decodes the sample as Shift_JIS (CP932). It returns why it is
// not Shift_JIS, or a penalty for what is unusual in Japanese text: a
// character wedged between Latin letters ("Fran輟is" is "François" in
// Windows-1252), half-width katakana next to a Latin letter, a character
// from the rarely used extension rows.
func scoreSJIS(b []byte) (int, string) {
	penalty, chars, bad := 0, 0, 0
	first := ""
	invalid := func(format string, args ...any) {
		bad++
		if first == "" {
			first = fmt.Sprintf(format, args...)
		}
	}
	dec := japanese.ShiftJIS.NewDecoder()
	var buf [8]byte
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c >= 0xA1 && c <= 0xDF: // half-width katakana
			chars++
			if (i > 0 && isASCIILetter(b[i-1])) || (i+1 < len(b) && isASCIILetter(b[i+1])) {
				penalty += 2
			}
			i++
			continue
		case !isSJISLead(c) || i+1 >= len(b):
			invalid("byte 0x%02X on %s is not used in Shift_JIS text", c, where(b, i))
			i++
			continue
		}
		chars++
		t := b[i+1]
		nDst, _, err := dec.Transform(buf[:], b[i:i+2], true)
		dec.Reset()
		if r, _ := utf8.DecodeRune(buf[:nDst]); err != nil || r == utf8.RuneError || t < 0x40 || t == 0x7F || t > 0xFC {
			invalid("bytes 0x%02X 0x%02X on %s are not a Shift_JIS character", c, t, where(b, i))
			i++
			continue
		}
		before := i > 0 && isASCIILetter(b[i-1])
		after := i+2 < len(b) && isASCIILetter(b[i+2])
		switch {
		case before && after:
			penalty += 2
		case before || after:
			penalty++
		}
		if c >= 0xED { // NEC-selected and IBM extensions
			penalty++
		}
		i += 2
	}
	return tolerate(penalty, chars, bad, first)
}

// tolerate turns a decoding's invalid characters into a verdict: a few
// (at most 1 in 100) are a damaged row in a file of that encoding, which
// the row's error will name; more mean the file is in another encoding.
func tolerate(penalty, chars, bad int, first string) (int, string) {
	switch {
	case bad == 0:
		return penalty, ""
	case bad*100 > chars+bad:
		return 0, first
	}
	return penalty + 10*bad, ""
}

// cp1252Undefined are the bytes Windows-1252 has no character for.
func cp1252Undefined(c byte) bool {
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D
}

// cp1252Rare are bytes that Western text almost never holds (‚ ƒ „ † ‡ ˆ
// ‰ ‹ ˜ ™ ›) but that lead most Shift_JIS kana and kanji.
func cp1252Rare(c byte) bool {
	switch c {
	case 0x82, 0x83, 0x84, 0x86, 0x87, 0x88, 0x89, 0x8B, 0x98, 0x99, 0x9B:
		return true
	}
	return false
}

// scoreCP1252 decodes the sample as Windows-1252. It returns why it is not
// Windows-1252, or a penalty for what is unusual in Western text: rare
// symbols, and non-ASCII characters next to each other (Western words
// have one accented letter among ASCII ones; Shift_JIS text is pairs and
// runs of high bytes).
func scoreCP1252(b []byte) (int, string) {
	penalty, chars, bad := 0, 0, 0
	first := ""
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		chars++
		if cp1252Undefined(c) {
			bad++
			if first == "" {
				first = fmt.Sprintf("byte 0x%02X on %s has no character in Windows-1252", c, where(b, i))
			}
			continue
		}
		if cp1252Rare(c) {
			penalty += 2
		}
		if (i > 0 && b[i-1] >= 0x80) || (i+1 < len(b) && b[i+1] >= 0x80) {
			penalty++
		}
	}
	return tolerate(penalty, chars-bad, bad, first)
}

// InvalidBytesHint is the advice for bytes that are not valid in the
// encoding a file is read in: it names the encoding used and how that was
// decided, and only encodings other than that one.
func InvalidBytesHint(enc string, detected bool) string {
	how := "as --encoding says"
	if detected {
		how = "as detected from the first 64 KiB"
	}
	var others []string
	for _, e := range []string{UTF8, ShiftJIS, Windows1252} {
		if e != strings.TrimSuffix(enc, " (BOM)") {
			others = append(others, e)
		}
	}
	return fmt.Sprintf("bytes that are not valid %s (the file is read as %s, %s; if it is in another encoding, give --encoding %s)",
		enc, enc, how, strings.Join(others, " or "))
}
