package fields

import (
	"fmt"
	"strconv"
	"strings"
)

// Lang is the language of error messages. The real service answers in the
// authenticating user's language, or by Accept-Language when that is "auto"
// (reference §1); the simulator's accounts are all "auto".
type Lang int

// The two languages of the messages.
const (
	EN Lang = iota
	JA
)

// Msg names one per-field validation message.
type Msg int

// The per-field messages; messages holds their texts.
const (
	MsgRequired Msg = iota
	MsgTooLong
	MsgBlank
	MsgEdgeSpace
	MsgForbiddenChars
	MsgEnum
	MsgType
	MsgTimezone
	MsgDate
	MsgRange
	MsgUserExists
	MsgUserNotFound
	MsgOrgNotFound
	MsgTitleNotFound
	MsgGuestExists
	MsgGuestNotFound
	MsgTooMany
	MsgIDsAndCodes
	MsgEmail
	MsgDuplicate
	MsgBadID
	MsgCustomNotFound
	MsgSpaceNotFound
	MsgNotGuest
)

// messages holds the English and Japanese format of every Msg. The
// duplicate and not-found texts carry the words clients match on
// ("already exists", "not found", "すでに登録されています", "見つかりません";
// reference §5.2).
var messages = map[Msg][2]string{
	MsgRequired:       {"Required.", "必須です。"},
	MsgTooLong:        {"Enter up to %d characters.", "%d文字以内で入力してください。"},
	MsgBlank:          {"Cannot consist of spaces only.", "空白文字のみは指定できません。"},
	MsgEdgeSpace:      {"Cannot start or end with a space.", "先頭と末尾にスペースは使用できません。"},
	MsgForbiddenChars: {`Cannot contain the following characters: \ [ ] " : ; < > , /`, `次の文字は使用できません: \ [ ] " : ; < > , /`},
	MsgEnum:           {"Invalid value. Allowed values: %s.", "値が正しくありません。指定できる値: %s"},
	MsgType:           {"Invalid value type.", "値の型が正しくありません。"},
	MsgTimezone:       {"Invalid time zone: %s.", "タイムゾーンが正しくありません: %s"},
	MsgDate:           {"Enter a date in YYYY-MM-DD format.", "日付はYYYY-MM-DD形式で入力してください。"},
	MsgRange:          {"Enter a value between %d and %d.", "%dから%dまでの値を入力してください。"},
	MsgUserExists:     {`The login name "%s" already exists.`, "ログイン名「%s」はすでに登録されています。"},
	MsgUserNotFound:   {"The specified user (code: %s) is not found.", "指定したユーザー(code:%s)が見つかりません。"},
	MsgOrgNotFound:    {"The specified department (code: %s) is not found.", "指定した組織(code:%s)が見つかりません。"},
	MsgTitleNotFound:  {"The specified title (code: %s) is not found.", "指定した役職(code:%s)が見つかりません。"},
	MsgGuestExists:    {`The guest user "%s" already exists.`, "ゲストユーザー「%s」はすでに登録されています。"},
	MsgGuestNotFound:  {"The specified guest user (code: %s) is not found.", "指定したゲストユーザー(code:%s)が見つかりません。"},
	MsgTooMany:        {"Up to %d items can be specified.", "%d件まで指定できます。"},
	MsgIDsAndCodes:    {"Specify either ids or codes, not both.", "idsとcodesは同時に指定できません。"},
	MsgEmail:          {"Enter a valid e-mail address.", "メールアドレスの形式が正しくありません。"},
	MsgDuplicate:      {"Duplicate value: %s.", "値が重複しています: %s"},
	MsgBadID:          {"Invalid ID: %s.", "IDが正しくありません: %s"},
	MsgCustomNotFound: {"The specified custom item (code: %s) is not found.", "指定したカスタマイズ項目(code:%s)が見つかりません。"},
	MsgSpaceNotFound:  {"The specified guest space (id: %s) is not found.", "指定したゲストスペース(id:%s)が見つかりません。"},
	MsgNotGuest:       {"The specified user (code: %s) is not a guest user.", "指定したユーザー(code:%s)はゲストユーザーではありません。"},
}

func (m Msg) text(l Lang, args []any) string {
	f := messages[m][l]
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// Path is the location of a field in a request body, rendered as an error
// key: users[3].code, or users.code when indices are switched off.
type Path []pathSeg

type pathSeg struct {
	name  string
	index int // -1 for a name segment
}

// Field is p followed by the member name.
func (p Path) Field(name string) Path {
	return append(p[:len(p):len(p)], pathSeg{name: name, index: -1})
}

// At is p followed by the array index i.
func (p Path) At(i int) Path {
	return append(p[:len(p):len(p)], pathSeg{index: i})
}

// Key renders p as an error key, with or without the array indices.
func (p Path) Key(indexed bool) string {
	var b strings.Builder
	for _, s := range p {
		if s.index >= 0 {
			if indexed {
				b.WriteString("[" + strconv.Itoa(s.index) + "]")
			}
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

type fieldError struct {
	at   Path
	msg  Msg
	args []any
}

// Errors collects every problem of a request so that one response reports
// all invalid items at once (reference §5.1). The zero value is empty.
type Errors struct {
	items []fieldError
}

// Add records message m with its format arguments at the field at.
func (e *Errors) Add(at Path, m Msg, args ...any) {
	e.items = append(e.items, fieldError{at: at, msg: m, args: args})
}

// Append records every problem of other after e's own.
func (e *Errors) Append(other *Errors) {
	e.items = append(e.items, other.items...)
}

// Empty reports whether no problem has been recorded.
func (e *Errors) Empty() bool { return len(e.items) == 0 }

// Has reports whether any problem carries message m.
func (e *Errors) Has(m Msg) bool {
	for _, it := range e.items {
		if it.msg == m {
			return true
		}
	}
	return false
}

// FirstItem is the index of the first item of a write body that has an
// error: the items before it are the ones a partial commit applies. An
// error of the request as a whole (no item index) gives 0.
func (e *Errors) FirstItem() int {
	first := -1
	for _, it := range e.items {
		i := 0
		if len(it.at) > 1 && it.at[1].index >= 0 {
			i = it.at[1].index
		}
		if first < 0 || i < first {
			first = i
		}
	}
	return max(first, 0)
}

// FieldMessages is the value of one key of a 400 CB_VA01 errors map.
type FieldMessages struct {
	Messages []string `json:"messages"`
}

// Render turns the collected problems into the errors map. Identical
// messages under one key (common in unindexed mode) are kept once.
func (e *Errors) Render(l Lang, indexed bool) map[string]FieldMessages {
	out := make(map[string]FieldMessages)
	for _, it := range e.items {
		k := it.at.Key(indexed)
		text := it.msg.text(l, it.args)
		fm := out[k]
		dup := false
		for _, m := range fm.Messages {
			if m == text {
				dup = true
				break
			}
		}
		if !dup {
			fm.Messages = append(fm.Messages, text)
		}
		out[k] = fm
	}
	return out
}
