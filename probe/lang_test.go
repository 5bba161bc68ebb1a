package probe

import (
	"testing"
	"time"
)

func TestLanguageOf(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  string
	}{
		{[]string{"Missing or invalid input."}, "en"},
		{[]string{"入力内容が正しくありません。"}, "ja"},
		{[]string{"「X-Cybozu-Authorization」ヘッダーの値が正しくありません。"}, "ja"},
		{[]string{"Please login.", "ログインしてください。"}, "ja"},
		{[]string{"输入内容不正确。"}, "zh"},
		{[]string{"400", "…"}, "unknown"},
		{nil, "unknown"},
	} {
		if got := languageOf(tc.texts...); got != tc.want {
			t.Errorf("languageOf(%q) = %q, want %q", tc.texts, got, tc.want)
		}
	}
}

func TestSummarise(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		ds   []time.Duration
		want Times
	}{
		{nil, Times{}},
		{[]time.Duration{5 * ms}, Times{1, 5, 5}},
		{[]time.Duration{9 * ms, 1 * ms, 4 * ms}, Times{3, 4, 9}},
		{[]time.Duration{8 * ms, 2 * ms, 4 * ms, 30 * ms}, Times{4, 6, 30}},
	} {
		if got := summarise(tc.ds); got != tc.want {
			t.Errorf("summarise(%v) = %+v, want %+v", tc.ds, got, tc.want)
		}
	}
}
