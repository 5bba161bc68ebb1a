// Package match says how a row of a file is matched to an existing user:
// by login name, employee number or e-mail address (--match-on). It keeps
// the domain's users indexed for that, and the set of users a file lists.
package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

// On says which field identifies an existing user.
type On string

// Matching keys (the --match-on flag).
const (
	Code           On = "code"
	EmployeeNumber On = "employeeNumber"
	Email          On = "email"
)

// Parse checks a --match-on value (case-insensitive).
func Parse(s string) (On, error) {
	switch s {
	case "", "code":
		return Code, nil
	case "employeeNumber", "employeenumber", "employee-number":
		return EmployeeNumber, nil
	case "email", "e-mail":
		return Email, nil
	}
	return "", fmt.Errorf("unknown --match-on %q: want code, employeeNumber or email", s)
}

// Index holds every user of the domain, for matching rows by employee
// number or e-mail address (the seed program's own rule). Users that are
// only matched by code need no index: one Get Users request per batch
// finds them.
type Index struct {
	byCode, byEmp, byEmail map[string]*kintone.User
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{byCode: map[string]*kintone.User{}, byEmp: map[string]*kintone.User{}, byEmail: map[string]*kintone.User{}}
}

// Add indexes u, which the Index keeps.
func (idx *Index) Add(u *kintone.User) {
	idx.byCode[u.Code] = u
	if u.EmployeeNumber != "" {
		idx.byEmp[u.EmployeeNumber] = u
	}
	if u.Email != "" {
		idx.byEmail[strings.ToLower(u.Email)] = u
	}
}

// Find returns the existing user a row refers to: by the matching key when
// the row has one, else by login name (a login name is unique, so a row
// whose code is taken can never be created anyway).
func (idx *Index) Find(on On, rec *validate.Record) *kintone.User {
	switch v := rec.Values; on {
	case EmployeeNumber:
		if u := idx.byEmp[v[validate.EmployeeNumber]]; u != nil && v[validate.EmployeeNumber] != "" {
			return u
		}
	case Email:
		if u := idx.byEmail[strings.ToLower(v[validate.Email])]; u != nil && v[validate.Email] != "" {
			return u
		}
	}
	return idx.byCode[rec.Values[validate.Code]]
}

// Users returns every user indexed, by login name.
func (idx *Index) Users() []kintone.User {
	users := make([]kintone.User, 0, len(idx.byCode))
	for _, u := range idx.byCode {
		users = append(users, *u)
	}
	slices.SortFunc(users, func(a, b kintone.User) int { return strings.Compare(a.Code, b.Code) })
	return users
}

// Listed is the set of users a file lists: the match keys of its rows and
// the login names they have or get.
type Listed map[string]bool

// Add records the users a row lists, by the --match-on key and by login
// name (its new one too).
func (l Listed) Add(on On, rec *validate.Record) {
	v := rec.Values
	for _, k := range []string{"code:" + v[validate.Code], "code:" + rec.NewCode, key(on, v)} {
		if k != "code:" && k != "" {
			l[k] = true
		}
	}
}

// Has reports whether a row of the file lists u.
func (l Listed) Has(on On, u kintone.User) bool {
	switch {
	case l["code:"+u.Code]:
		return true
	case on == EmployeeNumber && u.EmployeeNumber != "":
		return l["emp:"+u.EmployeeNumber]
	case on == Email && u.Email != "":
		return l["email:"+strings.ToLower(u.Email)]
	}
	return false
}

// key is a row's match key in Listed, "" when it has none.
func key(on On, v [validate.NumFields]string) string {
	switch on {
	case EmployeeNumber:
		if v[validate.EmployeeNumber] != "" {
			return "emp:" + v[validate.EmployeeNumber]
		}
	case Email:
		if v[validate.Email] != "" {
			return "email:" + strings.ToLower(v[validate.Email])
		}
	}
	return ""
}
