package i18ntest

import (
	"slices"
	"testing"
)

func TestUntranslated(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"%[1]s は日付として読めません。", nil},
		{`"hello world" は 2024-04-01 のように入力してください。`, nil},
		{"「Login Name」列がありません。", nil},
		{"Asia/Tokyo のように入力してください（kintone、Garoon）。", nil},
		{"%[1]s is not a date", []string{"is", "not"}}, // date is allowed: --date-order
		{"タイムゾーン is blank です", []string{"is", "blank"}},
		{`"unclosed quote hides everything`, nil},
		{`\"escaped\" words`, []string{"escaped", "words"}},
	}
	for _, tc := range tests {
		if got := Untranslated(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Untranslated(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRuleIDs(t *testing.T) {
	ids := []string{"code.required", "email.invalid"}
	if got := RuleIDs("ログイン名 code.required です", ids); !slices.Equal(got, []string{"code.required"}) {
		t.Errorf("RuleIDs = %q", got)
	}
}
