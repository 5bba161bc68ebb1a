// Package mapping turns the columns of a person's file into the fields of
// the User API: the labels it knows (API names, cybozu.com's own column
// names in Japanese, English and Chinese, the labels of cybozu's
// documentation, customItem.<code>), cybozu.com's own file layouts (the
// users file with or without a header, the services file and the
// departments-of-users file), and the YAML mapping files that rename
// columns and build values with text/template.
package mapping

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/userimport/userimport/validate"
)

// customPrefix introduces a custom-item column: customItem.<code>.
const customPrefix = "customitem."

// special says that a column feeds a Record field that is not a
// validate.Field: cybozu's rename and delete columns.
type special int

const (
	notSpecial special = iota
	specialNewCode
	specialDelete
)

// fieldLabels are the labels a person's header may use for each field,
// besides the API name itself: the column names of cybozu.com's users file
// in Japanese, English and Chinese (the help pages cited in the reference's
// section 7 spell some of them in more than one way), the names cybozu's
// API documentation gives the fields, and the common HR spellings.
var fieldLabels = map[validate.Field][]string{
	validate.Code: {"Login Name", "ログイン名", "login", "Login ID", "ログインID", "ログインユーザー名",
		"登录名称", "登录名", "登入名稱", "登錄名"},
	validate.Name: {"Display Name", "表示名", "显示名称", "顯示名稱"},
	validate.Password: {"パスワード", "初期パスワード", "Initial Password",
		"密码", "密碼"},
	validate.SurName:   {"Surname", "Last Name", "Family Name", "姓", "姓氏"},
	validate.GivenName: {"Given Name", "First Name", "名", "名字"},
	validate.SurNameReading: {"Phonetic Surname", "Surname Reading", "Phonetic Last Name",
		"よみがな(姓)", "ふりがな(姓)", "フリガナ(姓)", "拼音(姓)"},
	validate.GivenNameReading: {"Phonetic Given Name", "Given Name Reading", "Phonetic First Name",
		"よみがな(名)", "ふりがな(名)", "フリガナ(名)", "拼音(名)"},
	validate.LocalName: {"Localized Name", "別言語での表示名", "其他语言下的显示名称", "其他語言下的顯示名稱"},
	validate.LocalNameLocale: {"Language of Localized Name", "Language for Localized Name",
		"別言語の名前を表示する言語", "別言語での表示名(言語)",
		"其他语言下的显示名称(语言)", "其他語言下的顯示名稱(語言)", "显示其他语言名称的语言"},
	validate.Email: {"E-mail Address", "E-mail", "Email Address", "Mail Address", "メールアドレス", "メール",
		"电子邮件地址", "電子郵件地址", "电子邮件", "邮箱"},
	validate.Valid:    {"Status", "使用状態", "使用状态", "使用狀態"},
	validate.Locale:   {"Language", "言語", "语言", "語言"},
	validate.Timezone: {"Time Zone", "タイムゾーン", "时区", "時區"},
	validate.Phone:    {"Phone Number", "電話番号", "电话号码", "電話號碼", "电话"},
	validate.ExtensionNumber: {"Extension", "Extension Number", "内線", "内線番号",
		"分机号码", "分機號碼", "分机"},
	validate.MobilePhone: {"Mobile Phone", "Mobile Phone Number", "Mobile", "携帯", "携帯電話", "携帯電話番号",
		"手机号码", "手機號碼", "手机"},
	validate.URL: {"URL"},
	validate.EmployeeNumber: {"Employee ID", "Employee Number", "従業員ID", "従業員番号", "社員番号", "社員ID",
		"员工编号", "員工編號", "员工ID"},
	validate.JoinDate:  {"Hire Date", "Join Date", "入社日", "入社年月日", "入职日期", "入職日期", "入职日"},
	validate.BirthDate: {"Birthday", "Birth Date", "誕生日", "生年月日", "生日", "出生日期"},
	validate.Description: {"About Me", "Description", "コメント/メモ", "コメント", "メモ", "ユーザーの説明",
		"个人简介", "自我介绍", "备注", "備註"},
	validate.SortOrder:     {"Display Order", "Sort Order", "表示優先度", "显示优先级", "顯示優先順序", "显示顺序"},
	validate.Callto:        {"Skype Name", "Skype名", "Skype", "Skype名称", "Skype使用者名"},
	validate.Services:      {"サービス", "利用サービス", "Available Services", "服务", "服務"},
	validate.Organizations: {"Departments", "所属組織", "所属组织", "所屬組織"},
	validate.Company:       {"Company Name", "会社名", "公司名称", "公司名稱"},
	validate.Division:      {"部署名", "Division Name", "部门", "部門"},
}

// specialLabels name cybozu's rename and delete columns: recognised, so
// never "unknown", and mapped to Record.NewCode and Record.Delete.
var specialLabels = map[special][]string{
	specialNewCode: {"newCode", "New Login Name", "新ログイン名", "新登录名称", "新登入名稱"},
	specialDelete:  {"delete", "削除", "删除", "刪除"},
}

// serviceCodeLabels, orgCodeLabels and titleCodeLabels (as labelKeys) head
// the columns of cybozu's services file ("サービスコード1") and
// departments-of-users file ("組織コード1", "役職コード1"); a trailing
// number is ignored.
var (
	serviceCodeLabels = keys([]string{"サービスコード", "Service Code", "Service", "服务代码", "服務代碼"})
	orgCodeLabels     = keys([]string{"組織コード", "Department Code", "组织代码", "組織代碼"})
	titleCodeLabels   = keys([]string{"役職コード", "Job Title Code", "Title Code", "职位代码", "職位代碼"})
)

// target is what a mapping key or a column resolves to: a field, a custom
// item, or one of cybozu's rename and delete columns.
type target struct {
	field   validate.Field
	custom  string // non-empty for customItem.<code>
	special special
}

func (t target) String() string {
	switch {
	case t.custom != "":
		return "customItem." + t.custom
	case t.special == specialNewCode:
		return "newCode"
	case t.special == specialDelete:
		return "delete"
	}
	return t.field.String()
}

// known is one label a header may carry, as written in the table above
// (suggestions quote it), and what it means.
type known struct {
	label  string
	key    []rune // labelKey(label), for the edit distance
	target target
}

// labels maps a normalised header (see labelKey) to its target; knownList
// holds the same labels for "did you mean" suggestions.
var labels, knownList = func() (map[string]target, []known) {
	m := make(map[string]target)
	var list []known
	add := func(label string, t target) {
		k := labelKey(label)
		if _, dup := m[k]; dup {
			return // the first spelling wins: "Employee Number" is also the API's employeeNumber
		}
		m[k] = t
		list = append(list, known{label: label, key: []rune(k), target: t})
	}
	for f := validate.Field(0); f < validate.NumFields; f++ {
		add(f.String(), target{field: f})
	}
	for f := validate.Field(0); f < validate.NumFields; f++ {
		for _, n := range fieldLabels[f] {
			add(n, target{field: f})
		}
	}
	for _, s := range []special{specialNewCode, specialDelete} {
		for _, n := range specialLabels[s] {
			add(n, target{special: s})
		}
	}
	return m, list
}()

// stripMarkers are the decorations that say a column is required or
// optional, compared after width folding and lower-casing.
var stripMarkers = []string{
	"(必須)", "[必須]", "【必須】", "<必須>", "(required)", "[required]", "(必填)",
	"(任意)", "[任意]", "【任意】", "(optional)", "[optional]",
}

// labelKey normalises a header for matching: full-width letters, digits
// and brackets folded to half-width (Japanese Excel writes "（姓）"), lower
// case, required/optional markers ("(必須)", "(required)", "※", "*")
// dropped, and line breaks, spaces, underscores, hyphens and brackets
// removed ("E-mail Address", "employee_number", "ログイン名\n(必須)",
// "よみがな (姓)" all find their field). The dot stays: it separates
// customItem from its code.
func labelKey(s string) string {
	if !isASCII(s) {
		s = width.Fold.String(s)
	}
	s = strings.ToLower(s)
	for strings.ContainsAny(s, "([【<") {
		before := s
		for _, m := range stripMarkers {
			s = strings.ReplaceAll(s, m, "")
		}
		if s == before {
			break
		}
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\v', '\f', '_', '-', '\u3000', '\u00a0',
			'※', '*', '(', ')', '[', ']', '【', '】', '「', '」', '<', '>', ':', '：':
			return -1
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// lookupLabel finds what a header or mapping key names: an API name, one of
// the labels above, or customItem.<code>.
func lookupLabel(name string) (target, bool) {
	if code, ok := customCode(name); ok {
		return target{custom: code}, true
	}
	t, ok := labels[labelKey(name)]
	return t, ok
}

// customCode returns <code> for a "customItem.<code>" name (prefix case
// ignored, code kept as written).
func customCode(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if len(name) > len(customPrefix) && strings.EqualFold(name[:len(customPrefix)], customPrefix) {
		code := strings.TrimSpace(name[len(customPrefix):])
		return code, code != ""
	}
	return "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// numberedLabel reports whether key is one of names (their labelKeys)
// followed by an optional number ("サービスコード1", "組織コード12").
func numberedLabel(key string, names []string) bool {
	key = strings.TrimRightFunc(key, func(r rune) bool { return r >= '0' && r <= '9' })
	return slices.Contains(names, key)
}

// keys returns the labelKeys of labels.
func keys(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = labelKey(l)
	}
	return out
}

// Suggest returns the known label closest to header ("Emial" → "email",
// "ログイン名(半角英数)" → "ログイン名"), or "" when none is close enough
// to be a likely typo.
func Suggest(header string) string {
	key := []rune(labelKey(header))
	if len(key) == 0 {
		return ""
	}
	best, bestDist := "", maxTypos(len(key))+1
	for _, k := range knownList {
		if d := editDistance(key, k.key, bestDist); d < bestDist {
			best, bestDist = k.label, d
		}
	}
	if best != "" {
		return best
	}
	// A known label inside a longer header: "ログイン名(半角英数)",
	// "社員のメールアドレス". Only labels of three runes or more, so that
	// "名" or "姓" do not match every Japanese header.
	sk := string(key)
	for _, k := range knownList {
		if len(k.key) >= 3 && len(k.key) > len(best) && strings.Contains(sk, string(k.key)) {
			best = k.label
		}
	}
	return best
}

// maxTypos is how many edits a header of n runes may be away from a
// label to be suggested: none for one or two runes ("x" is one edit from
// "姓"), one for short labels, where two edits make any word another,
// more for longer ones.
func maxTypos(n int) int {
	switch {
	case n <= 2:
		return 0
	case n <= 4:
		return 1
	case n <= 10:
		return 2
	}
	return 3
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and transpositions of adjacent
// runes each count one), or limit when it is at least limit.
func editDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit)
}

// looksLikePassword reports whether a cell could be a password, so that a
// message quoting cells (a header row that is really data) leaves it out:
// no spaces, and letters mixed with digits or symbols. Login names such
// as "taro01" are hidden too; hiding too much is the safe side.
func looksLikePassword(s string) bool {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) < 4 {
		return false
	}
	var letter, digit, symbol bool
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			return false
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	return letter && (digit || symbol) || digit && symbol
}

// guestFields are the fields of Add Guests; users have every field but
// company and division.
var guestFields = [validate.NumFields]bool{
	validate.Code: true, validate.Password: true, validate.Timezone: true,
	validate.Name: true, validate.Locale: true, validate.SurNameReading: true,
	validate.GivenNameReading: true, validate.Company: true,
	validate.Division: true, validate.Phone: true, validate.Callto: true,
}

// fieldAllowed reports whether kind has field f.
func fieldAllowed(kind validate.Kind, f validate.Field) bool {
	if kind == validate.Guests {
		return guestFields[f]
	}
	return f != validate.Company && f != validate.Division
}
