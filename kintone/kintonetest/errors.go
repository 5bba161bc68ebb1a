package kintonetest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// lang is the language of error messages. The real service answers in the
// authenticating user's language, or by Accept-Language when that is "auto"
// (reference §1); the simulator's accounts are all "auto".
type lang int

const (
	langEN lang = iota
	langJA
)

// langOf picks the language of the answer: the client's first preference
// when it is English or Japanese, else the default language.
func (d *Domain) langOf(r *http.Request) lang {
	al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	switch {
	case strings.HasPrefix(al, "en"):
		return langEN
	case strings.HasPrefix(al, "ja"), d.cfg.defaultLang != "en":
		return langJA
	}
	return langEN
}

// apiError is one top-level error code of reference §5.2 with its status and
// both message languages.
type apiError struct {
	status int
	code   string
	en, ja string
}

// The error codes the simulator answers with. CB_NF01 is the simulator's own
// invention (the reference records no code for an unknown path or a wrong
// method); every other code and message is from reference §4 and §5.2.
var (
	errValidation = apiError{http.StatusBadRequest, "CB_VA01", "Missing or invalid input.", "入力内容が正しくありません。"}
	errBadJSON    = apiError{http.StatusBadRequest, "CB_IJ01", "Invalid JSON string.", "不正なJSON文字列です。"}
	errEmptyBody  = apiError{http.StatusBadRequest, "CB_IL02", "Invalid JSON string. The request body is empty.", "不正なJSON文字列です。"}
	errNoLogin    = apiError{http.StatusUnauthorized, "CB_AU01", "Please login.", "ログインしてください。"}
	errBadLogin   = apiError{http.StatusUnauthorized, "CB_WA01",
		"Password authentication failed. The value in http header of X-Cybozu-Authorization is not valid.",
		"ユーザーのパスワード認証に失敗しました。「X-Cybozu-Authorization」ヘッダーの値が正しくありません。"}
	errBadToken = apiError{http.StatusUnauthorized, "CB_WA01",
		"API token authentication failed. The value in http header of Authorization is not valid.",
		"APIトークンの認証に失敗しました。「Authorization」ヘッダーの値が正しくありません。"}
	errNoPrivilege = apiError{http.StatusForbidden, "CB_NO02", "No privilege to proceed.", "権限がありません。"}
	errTooBusy     = apiError{http.StatusTooManyRequests, "GAIA_TO04",
		"The number of concurrent API requests exceeds the limit.",
		"APIの同時リクエスト数が上限を超えています。"}
	errLocked = apiError{520, "GAIA_DA02",
		"Failed to perform the operation because the database is locked. Try again later.",
		"データベースがロックされているため、操作に失敗しました。時間をおいて再度お試しください。"}
	errNoAPI     = apiError{http.StatusNotFound, "CB_NF01", "The specified API is not found.", "指定したAPIが見つかりません。"}
	errNoMethod  = apiError{http.StatusMethodNotAllowed, "CB_NF01", "The HTTP method is not allowed for this API.", "このAPIではそのHTTPメソッドを使用できません。"}
	errTooLarge  = apiError{http.StatusRequestEntityTooLarge, "CB_IJ01", "The request body is too large.", "リクエストボディが大きすぎます。"}
	statusLegacy = 520 // pre-2021 status of CB_AU01/CB_WA01 (reference §4)
)

func (e apiError) message(l lang) string {
	if l == langJA {
		return e.ja
	}
	return e.en
}

// msgID names one per-field validation message.
type msgID int

const (
	msgRequired msgID = iota
	msgTooLong
	msgBlank
	msgEdgeSpace
	msgForbiddenChars
	msgEnum
	msgType
	msgTimezone
	msgDate
	msgRange
	msgUserExists
	msgUserNotFound
	msgOrgNotFound
	msgTitleNotFound
	msgGuestExists
	msgGuestNotFound
	msgTooMany
	msgIDsAndCodes
	msgEmail
	msgDuplicate
	msgBadID
	msgCustomNotFound
	msgSpaceNotFound
	msgNotGuest
)

// messages holds the English and Japanese format of every msgID. The
// duplicate and not-found texts carry the words clients match on
// ("already exists", "not found", "すでに登録されています", "見つかりません";
// reference §5.2).
var messages = map[msgID][2]string{
	msgRequired:       {"Required.", "必須です。"},
	msgTooLong:        {"Enter up to %d characters.", "%d文字以内で入力してください。"},
	msgBlank:          {"Cannot consist of spaces only.", "空白文字のみは指定できません。"},
	msgEdgeSpace:      {"Cannot start or end with a space.", "先頭と末尾にスペースは使用できません。"},
	msgForbiddenChars: {`Cannot contain the following characters: \ [ ] " : ; < > , /`, `次の文字は使用できません: \ [ ] " : ; < > , /`},
	msgEnum:           {"Invalid value. Allowed values: %s.", "値が正しくありません。指定できる値: %s"},
	msgType:           {"Invalid value type.", "値の型が正しくありません。"},
	msgTimezone:       {"Invalid time zone: %s.", "タイムゾーンが正しくありません: %s"},
	msgDate:           {"Enter a date in YYYY-MM-DD format.", "日付はYYYY-MM-DD形式で入力してください。"},
	msgRange:          {"Enter a value between %d and %d.", "%dから%dまでの値を入力してください。"},
	msgUserExists:     {`The login name "%s" already exists.`, "ログイン名「%s」はすでに登録されています。"},
	msgUserNotFound:   {"The specified user (code: %s) is not found.", "指定したユーザー(code:%s)が見つかりません。"},
	msgOrgNotFound:    {"The specified department (code: %s) is not found.", "指定した組織(code:%s)が見つかりません。"},
	msgTitleNotFound:  {"The specified title (code: %s) is not found.", "指定した役職(code:%s)が見つかりません。"},
	msgGuestExists:    {`The guest user "%s" already exists.`, "ゲストユーザー「%s」はすでに登録されています。"},
	msgGuestNotFound:  {"The specified guest user (code: %s) is not found.", "指定したゲストユーザー(code:%s)が見つかりません。"},
	msgTooMany:        {"Up to %d items can be specified.", "%d件まで指定できます。"},
	msgIDsAndCodes:    {"Specify either ids or codes, not both.", "idsとcodesは同時に指定できません。"},
	msgEmail:          {"Enter a valid e-mail address.", "メールアドレスの形式が正しくありません。"},
	msgDuplicate:      {"Duplicate value: %s.", "値が重複しています: %s"},
	msgBadID:          {"Invalid ID: %s.", "IDが正しくありません: %s"},
	msgCustomNotFound: {"The specified custom item (code: %s) is not found.", "指定したカスタマイズ項目(code:%s)が見つかりません。"},
	msgSpaceNotFound:  {"The specified guest space (id: %s) is not found.", "指定したゲストスペース(id:%s)が見つかりません。"},
	msgNotGuest:       {"The specified user (code: %s) is not a guest user.", "指定したユーザー(code:%s)はゲストユーザーではありません。"},
}

func (m msgID) text(l lang, args []any) string {
	f := messages[m][l]
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// path is the location of a field in a request body, rendered as an error
// key: users[3].code, or users.code when indices are switched off.
type path []pathSeg

type pathSeg struct {
	name  string
	index int // -1 for a name segment
}

func (p path) field(name string) path {
	return append(p[:len(p):len(p)], pathSeg{name: name, index: -1})
}

func (p path) at(i int) path {
	return append(p[:len(p):len(p)], pathSeg{index: i})
}

func (p path) key(indexed bool) string {
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
	at   path
	msg  msgID
	args []any
}

// errList collects every problem of a request so that one response reports
// all invalid items at once (reference §5.1).
type errList struct {
	items []fieldError
}

func (e *errList) add(at path, m msgID, args ...any) {
	e.items = append(e.items, fieldError{at: at, msg: m, args: args})
}

func (e *errList) empty() bool { return len(e.items) == 0 }

type errorBody struct {
	Code    string                   `json:"code"`
	ID      string                   `json:"id"`
	Message string                   `json:"message"`
	Errors  map[string]fieldMessages `json:"errors,omitempty"`
}

type fieldMessages struct {
	Messages []string `json:"messages"`
}

// render turns the collected problems into the errors map. Identical
// messages under one key (common in unindexed mode) are kept once.
func (e *errList) render(l lang, indexed bool) map[string]fieldMessages {
	out := make(map[string]fieldMessages)
	for _, it := range e.items {
		k := it.at.key(indexed)
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

// newErrorID returns an opaque 20-character base64url id like the modern
// service's (reference §5.1).
func newErrorID() string {
	var b [15]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// writeAPIError answers with the JSON error shape of reference §5.1 and the
// X-Cybozu-Error header the service sets on errors.
func writeAPIError(w http.ResponseWriter, status int, e apiError, l lang, fields map[string]fieldMessages) {
	body := errorBody{Code: e.code, ID: newErrorID(), Message: e.message(l), Errors: fields}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Cybozu-Error", e.code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// writeJSON answers 200 with v encoded as JSON.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// htmlPage answers with an HTML page, as the front end does for Basic-auth
// and IP-restriction denials and some gateway errors (reference §5.2: title
// "Unauthorized" with <h2>, or "Error" with <h3>).
func writeHTML(w http.ResponseWriter, status int, title, heading, tag, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><%s>%s</%s><p>%s</p></body></html>\n",
		title, tag, heading, tag, text)
}
