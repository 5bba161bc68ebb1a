package kintone

import "strings"

// Existence is what a rejection's messages say about whether the item the
// request would create exists already.
type Existence int

// Kinds of Existence.
const (
	// Unclassifiable: the messages say nothing this package can read
	// as "already exists", in any wording it knows. The item may or may
	// not exist; callers must not report it failed on that ground, but
	// as unknown, and find out (or let a resume find out).
	Unclassifiable Existence = iota
	// AlreadyExists: the messages say the item exists already.
	AlreadyExists
)

// String names the kind.
func (e Existence) String() string {
	if e == AlreadyExists {
		return "already exists"
	}
	return "unclassifiable"
}

// existsWords are the wordings of "already exists" seen or expected from
// the service (which answers in the account's language, Japanese by
// default): "already exists", "exists", 既に (already), すでに, 登録済
// (already registered), and the Chinese 已存在.
var existsWords = []string{"exist", "既に", "すでに", "登録済", "已存在", "已經存在", "已经存在"}

// notExistsWords turn a message with an exists word into something else:
// "does not exist", "already deleted" (既に削除). Such a message is
// unclassifiable rather than a claim that the item exists.
var notExistsWords = []string{"not exist", "n't exist", "nonexist", "non-exist", "no longer exist", "deleted", "削除", "存在しません", "ありません", "不存在"}

// ClassifyExists reads the messages of a rejection (an APIError's Message,
// or a FieldError's Messages) and reports whether they say the item exists
// already. Matching ignores case. Only the kintone guest API, which offers
// no way to look a guest up, needs this: a user's existence is checked with
// Get Users instead.
func ClassifyExists(messages ...string) Existence {
	found := Unclassifiable
	for _, m := range messages {
		l := strings.ToLower(m)
		if containsAny(l, notExistsWords) {
			return Unclassifiable
		}
		if containsAny(l, existsWords) {
			found = AlreadyExists
		}
	}
	return found
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
