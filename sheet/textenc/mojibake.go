package textenc

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// Double-encoded text ("mojibake") is UTF-8 that a program decoded as
// Windows-1252 or Shift_JIS and saved again: "Müller" becomes "MÃ¼ller",
// "田中" becomes "ç”°ä¸­" or "逕ｰ荳ｭ". The check reverses that one step at
// the first suspicious character: if the character and the ones after it
// encode, in the wrong encoding, to a valid UTF-8 sequence, the text is
// most likely double-encoded. It runs on every non-ASCII cell, so its
// first test is a table lookup per character.

// mojibakeTables maps the characters that can start a misread UTF-8
// sequence to the byte they came from.
type mojibakeTables struct {
	// cp1252 maps a rune to its Windows-1252 byte (0 if none).
	cp1252 map[rune]byte
	// sjisLead marks (bit set) the BMP runes whose Shift_JIS encoding is
	// a UTF-8 lead byte of a 3-byte sequence (0xE2–0xEF) followed by a
	// continuation byte (0x80–0xBF).
	sjisLead [1 << 16 / 64]uint64
	sjis     map[rune][2]byte
	// enc is the Shift_JIS encoding of every double-byte character, so
	// that the check after a hit costs map lookups, not encoders.
	enc map[rune][2]byte
}

var (
	mojibakeOnce sync.Once
	mojibakeTab  *mojibakeTables
)

func mojibakeTable() *mojibakeTables {
	mojibakeOnce.Do(func() {
		t := &mojibakeTables{cp1252: make(map[rune]byte, 128), sjis: make(map[rune][2]byte, 1024)}
		for b := 0x80; b <= 0xFF; b++ {
			if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
				t.cp1252[r] = byte(b)
			}
		}
		for b := 0x80; b <= 0x9F; b++ {
			t.cp1252[rune(b)] = byte(b) // the C1 controls of a Latin-1 reading
		}
		dec := japanese.ShiftJIS.NewDecoder()
		var buf [8]byte
		for lead := 0xE2; lead <= 0xEF; lead++ {
			for trail := 0x80; trail <= 0xBF; trail++ {
				n, _, err := dec.Transform(buf[:], []byte{byte(lead), byte(trail)}, true)
				dec.Reset()
				r, size := utf8.DecodeRune(buf[:n])
				if err != nil || r == utf8.RuneError || size != n || r >= 1<<16 {
					continue
				}
				t.sjisLead[r>>6] |= 1 << (r & 63)
				t.sjis[r] = [2]byte{byte(lead), byte(trail)}
			}
		}
		t.enc = shiftJISTable()
		mojibakeTab = t
	})
	return mojibakeTab
}

// HasHighByte reports whether s has a non-ASCII byte. It runs on every
// cell, so it tests eight bytes at a time.
func HasHighByte(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// LooksDoubleEncoded reports whether s holds a double-encoded character;
// the caller has checked HasHighByte.
func LooksDoubleEncoded(s string) bool {
	t := mojibakeTable()
	for i, r := range s {
		switch {
		case r < 0xC2:
		case r <= 0xF4: // Â..ô: a Windows-1252 reading of a UTF-8 lead byte
			if cp1252Sequence(t, byte(r), s[i+utf8.RuneLen(r):]) {
				return true
			}
		case r < 1<<16 && t.sjisLead[r>>6]&(1<<(r&63)) != 0:
			if sjisSequence(t, r, s[i+utf8.RuneLen(r):]) {
				return true
			}
		}
	}
	return false
}

// utf8Continuations is how many continuation bytes a UTF-8 lead byte
// takes, 0 for a byte that leads nothing.
func utf8Continuations(lead byte) int {
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		return 1
	case lead >= 0xE0 && lead <= 0xEF:
		return 2
	case lead >= 0xF0 && lead <= 0xF4:
		return 3
	}
	return 0
}

// cp1252Sequence reports whether lead and the characters of rest, mapped
// back to Windows-1252 bytes, form one valid multi-byte UTF-8 character.
func cp1252Sequence(t *mojibakeTables, lead byte, rest string) bool {
	need := utf8Continuations(lead)
	seq := [4]byte{lead}
	n := 1
	for _, r := range rest {
		if n > need {
			break
		}
		b, ok := t.cp1252[r]
		if !ok || b < 0x80 || b > 0xBF {
			return false
		}
		seq[n] = b
		n++
	}
	if n <= need {
		return false
	}
	r, size := utf8.DecodeRune(seq[:n])
	return r != utf8.RuneError && size == n
}

// sjisSequence reports whether first and the characters after it, mapped
// back to Shift_JIS bytes, spell at least two Japanese characters (kana,
// CJK, full-width forms) in UTF-8. One character is not enough: the
// Shift_JIS bytes of many pairs of real kanji (莉奈 is E6 9E 93 DE) happen
// to start with one valid UTF-8 character, while real double-encoded text
// ("逕ｰ荳ｭ" for 田中) decodes on and on.
func sjisSequence(t *mojibakeTables, first rune, rest string) bool {
	pair := t.sjis[first]
	var buf [8]byte
	b := append(buf[:0], pair[0], pair[1])
	for _, r := range rest {
		if len(b) >= 6 {
			break
		}
		switch {
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana: one byte 0xA1–0xDF
			b = append(b, byte(r-0xFF61+0xA1))
		default:
			enc, ok := t.enc[r]
			if !ok {
				return false
			}
			b = append(b, enc[0], enc[1])
		}
	}
	for n := 0; n < 2; n++ {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError || size != 3 || !(r >= 0x3000 && r <= 0x9FFF || r >= 0xFF00 && r <= 0xFFEF) {
			return false
		}
		b = b[size:]
	}
	return true
}

// shiftJISTable maps every double-byte Shift_JIS character to its bytes.
func shiftJISTable() map[rune][2]byte {
	enc := make(map[rune][2]byte, 12000)
	dec := japanese.ShiftJIS.NewDecoder()
	var buf [8]byte
	for lead := 0x81; lead <= 0xFC; lead++ {
		if lead >= 0xA0 && lead < 0xE0 {
			continue // single-byte half-width katakana
		}
		for trail := 0x40; trail <= 0xFC; trail++ {
			if trail == 0x7F {
				continue
			}
			n, _, err := dec.Transform(buf[:], []byte{byte(lead), byte(trail)}, true)
			dec.Reset()
			r, size := utf8.DecodeRune(buf[:n])
			if err != nil || r == utf8.RuneError || size != n {
				continue
			}
			if _, dup := enc[r]; !dup {
				enc[r] = [2]byte{byte(lead), byte(trail)}
			}
		}
	}
	return enc
}
