package kintonetest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// langOf picks the language of the answer: the client's first preference
// when it is English or Japanese, else the default language.
func (d *Domain) langOf(r *http.Request) fields.Lang {
	al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	switch {
	case strings.HasPrefix(al, "en"):
		return fields.EN
	case strings.HasPrefix(al, "ja"), d.cfg.defaultLang != "en":
		return fields.JA
	}
	return fields.EN
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

func (e apiError) message(l fields.Lang) string {
	if l == fields.JA {
		return e.ja
	}
	return e.en
}

type errorBody struct {
	Code    string                          `json:"code"`
	ID      string                          `json:"id"`
	Message string                          `json:"message"`
	Errors  map[string]fields.FieldMessages `json:"errors,omitempty"`
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
func writeAPIError(w http.ResponseWriter, status int, e apiError, l fields.Lang, byField map[string]fields.FieldMessages) {
	body := errorBody{Code: e.code, ID: newErrorID(), Message: e.message(l), Errors: byField}
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
