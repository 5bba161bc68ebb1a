package textenc

import "testing"

// TestLooksDoubleEncoded: real names of people are never taken for
// double-encoded text, and the usual double encodings are found.
func TestLooksDoubleEncoded(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"藤田 莉奈", false},
		{"莉奈", false},
		{"山田 太郎", false},
		{"髙橋 健", false},
		{"渡邊 直美", false},
		{"齋藤 さくら", false},
		{"佐々木 結衣", false},
		{"ｶﾀｶﾅ ﾀﾛｳ", false},
		{"Müller", false},
		{"François", false},
		{"逕ｰ荳ｭ", true},     // 田中, UTF-8 read as Shift_JIS
		{"螻ｱ逕ｰ 螟ｪ驛", true}, // 山田 太郎
		{"貂｡霎ｺ 逶ｴ鄒", true}, // 渡辺 直美
		{"ç”°ä¸", true},    // 田中, UTF-8 read as Windows-1252
		{"MÃ¼ller", true},
		{"FranÃ§ois", true},
	} {
		if got := HasHighByte(tt.in) && LooksDoubleEncoded(tt.in); got != tt.want {
			t.Errorf("LooksDoubleEncoded(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
