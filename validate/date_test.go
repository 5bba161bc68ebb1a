package validate

import (
	"strings"
	"testing"
)

func TestParseDateOrder(t *testing.T) {
	for in, want := range map[string]DateOrder{"": DateOrderUnset, "mdy": MDY, "DMY": DMY} {
		if got, err := ParseDateOrder(in); err != nil || got != want || (in != "" && got.String() != strings.ToLower(in)) {
			t.Errorf("ParseDateOrder(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDateOrder("ymd"); err == nil {
		t.Error("ParseDateOrder(ymd) accepted")
	}
}
