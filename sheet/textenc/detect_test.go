package textenc

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestDetect: a byte order mark decides, then the forced encoding, then
// valid UTF-8, then the better reading of Shift_JIS and Windows-1252;
// files that are not text say what they are.
func TestDetect(t *testing.T) {
	for _, tt := range []struct {
		name    string
		sample  string
		atEOF   bool
		want    string
		wantBOM int
		wantErr string // substring; "" for success
		notText bool   // the error is a *NotTextError
	}{
		{"ascii", "code,name\n1,a\n", true, "", 0, "", false},
		{"utf-8", "名前,Müller\n", true, UTF8, 0, "", false},
		{"utf-8 BOM", "\xEF\xBB\xBFa", true, UTF8BOM, 3, "", false},
		{"utf-16le BOM", "\xFF\xFEa\x00", true, UTF16LE, 2, "", false},
		{"utf-16be BOM", "\xFE\xFF\x00a", true, UTF16BE, 2, "", false},
		{"utf-32le BOM", "\xFF\xFE\x00\x00a\x00\x00\x00", true, "", 0, "UTF-32LE", false},
		{"shift_jis", "\x83\x8d\x83O\x83C\x83\x93\x96\xbc\n", true, ShiftJIS, 0, "", false},
		{"half-width katakana", "\xb6\xc0\xb6\xc5\n", true, ShiftJIS, 0, "", false},
		{"windows-1252", "Fran\xe7ois,M\xfcller\n", true, Windows1252, 0, "", false},
		{"neither", "\x81\x81\x81\x81\xff\xff", true, "", 0, "could not be detected", false},
		{"utf-8 cut at the sample's end", "a,\xe5\x90", false, UTF8, 0, "", false},
		{"zip", "PK\x03\x04rest", true, "", 0, ".xlsx extension", true},
		{"ole2", "\xD0\xCF\x11\xE0rest", true, "", 0, "legacy .xls", true},
		{"nul byte", "code\n\x00\x01\x02", true, "", 0, "NUL byte at offset 5", true},
		{"utf-16 without a BOM", "c\x00o\x00d\x00e\x00\n\x00a\x00", true, "", 0, "UTF-16 without a byte order mark", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := Detect([]byte(tt.sample), tt.atEOF, "")
			if tt.wantErr != "" {
				var nt *NotTextError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.As(err, &nt) != tt.notText || errors.Is(err, ErrEncoding) == tt.notText {
					t.Fatalf("Detect = %+v, %v; want an error with %q (not text: %v)", ch, err, tt.wantErr, tt.notText)
				}
				return
			}
			want := tt.want
			if want == "" {
				want = UTF8
			}
			if err != nil || ch.Name != want || ch.BOM != tt.wantBOM {
				t.Fatalf("Detect = %+v, %v; want %s with a %d-byte BOM", ch, err, want, tt.wantBOM)
			}
		})
	}
}

// TestDetectForced: a forced encoding wins over detection, but not over
// a byte order mark; an unknown name is an error naming the known ones.
func TestDetectForced(t *testing.T) {
	for _, tt := range []struct {
		sample, want, force string
	}{
		{"Fran\xe7ois", Windows1252, "latin1"},
		{"abc", ShiftJIS, "cp932"},
		{"a\x00b\x00", UTF16LE, "utf-16"},
		{"\x00a\x00b", UTF16BE, "UTF-16BE"},
		{"\xEF\xBB\xBFabc", UTF8BOM, "shift_jis"},
	} {
		ch, err := Detect([]byte(tt.sample), true, tt.force)
		if err != nil || ch.Name != tt.want {
			t.Errorf("Detect(%q, %q) = %+v, %v; want %s", tt.sample, tt.force, ch, err, tt.want)
		}
	}
	_, err := Detect([]byte("a"), true, "latin9")
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "latin9") || !strings.Contains(err.Error(), strings.Join(Names, ", ")) {
		t.Errorf("unknown encoding: %v", err)
	}
}

// TestChoiceReader: the decoders turn each encoding's bytes into UTF-8.
func TestChoiceReader(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{ShiftJIS, "\x8e\x52\x93\x63", "山田"},
		{Windows1252, "M\xfcller \x80", "Müller €"},
		{UTF16LE, "\x71\x5c\x30\x75", "山田"},
		{UTF16BE, "\x5c\x71\x75\x30", "山田"},
		{UTF8, "山田", "山田"},
	} {
		b, err := io.ReadAll(Choice{Name: tt.name}.Reader(strings.NewReader(tt.in)))
		if err != nil || string(b) != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.name, b, err, tt.want)
		}
	}
}

// TestInvalidBytesHint: the advice names the encoding used, how it was
// chosen, and only the other encodings.
func TestInvalidBytesHint(t *testing.T) {
	got := InvalidBytesHint(UTF8BOM, true)
	for _, want := range []string{"read as utf-8 (BOM)", "detected", "--encoding shift_jis or windows-1252"} {
		if !strings.Contains(got, want) {
			t.Errorf("InvalidBytesHint = %q, want %q in it", got, want)
		}
	}
	if got := InvalidBytesHint(ShiftJIS, false); !strings.Contains(got, "as --encoding says") || !strings.Contains(got, "--encoding utf-8 or windows-1252") {
		t.Errorf("InvalidBytesHint = %q", got)
	}
}
