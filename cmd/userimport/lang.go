package main

import (
	"os"

	"github.com/userimport/userimport/i18n"
)

// resolveLang reads a --lang value; without one the person's locale
// decides (LC_ALL, LC_MESSAGES, LANG: ja_JP.UTF-8 is Japanese), and
// English otherwise.
func resolveLang(flag string) (i18n.Lang, error) {
	if flag == "" {
		return i18n.FromEnv(os.Getenv), nil
	}
	l, err := i18n.Parse(flag)
	if err != nil {
		return l, usageErr("--lang %q: want ja or en", flag)
	}
	return l, nil
}
