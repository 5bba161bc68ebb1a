// Package payload builds the User API payloads of a validated row (Add
// Users, Add Guests, Update Users, services, departments) and says how a
// row differs from the server's user, in the words the report shows.
package payload

import (
	"slices"
	"strconv"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

// NewUser builds the Add Users payload of a validated row. Empty values
// are omitted: on creation "empty" and "absent" mean the same thing, and an
// omitted field gets the service's default.
func NewUser(rec *validate.Record) kintone.UserInput {
	u := kintone.UserInput{Code: rec.Values[validate.Code]}
	for _, sf := range StringFields {
		if v := rec.Values[sf.Field]; rec.Set[sf.Field] && v != "" {
			*sf.In(&u) = ptr(v)
		}
	}
	if v := rec.Values[validate.Valid]; rec.Set[validate.Valid] && v != "" {
		u.Valid = ptr(v == "true")
	}
	if v := rec.Values[validate.Password]; v != "" {
		u.Password = ptr(kintone.Secret(v))
	}
	if n, ok := sortOrder(rec); ok {
		u.SortOrder = &n
	}
	for _, c := range rec.Custom {
		u.CustomItemValues = append(u.CustomItemValues, kintone.CustomItemValue{Code: c.Code, Value: c.Value})
	}
	return u
}

// Update returns the Update Users payload that makes cur look like the
// row, whether anything differs, and what differs ("email: a -> b"), for
// the report. Only columns present in the file are compared: a missing
// column or a "*" cell means "leave as is", an empty cell means "clear".
// The password is never sent on update: an upsert that re-runs the same HR
// file must not reset every user's password. valid is always sent because
// the Update Users page documents that omitting it resets it to its
// default (§2 Update Users, an open question); locale is sent only when it
// changes, since the API no longer resets an omitted locale and sending
// the current one back could turn "auto" into a fixed language on a
// server that reports it differently. Custom items are sent as the user's
// whole list with the row's changes merged in (customInput), which is
// right whether the server merges a partial list or replaces the whole.
func Update(rec *validate.Record, cur *kintone.User) (kintone.UserInput, bool, []string) {
	u := kintone.UserInput{Code: cur.Code}
	var changes []string
	differ := func(name, from, to string) {
		changes = append(changes, name+": "+shown(from)+" -> "+shown(to))
	}
	for _, sf := range StringFields {
		if !rec.Set[sf.Field] || rec.Keep[sf.Field] {
			continue
		}
		if v, old := rec.Values[sf.Field], sf.Out(cur); v != old {
			*sf.In(&u) = ptr(v)
			differ(sf.Field.String(), old, v)
		}
	}
	valid := cur.Valid
	if v := rec.Values[validate.Valid]; rec.Set[validate.Valid] && !rec.Keep[validate.Valid] && v != "" && (v == "true") != cur.Valid {
		valid = v == "true"
		differ("valid", strconv.FormatBool(cur.Valid), v)
	}
	u.Valid = &valid
	if rec.Set[validate.SortOrder] && !rec.Keep[validate.SortOrder] {
		if n, ok := sortOrder(rec); ok && (cur.SortOrder == nil || *cur.SortOrder != n) {
			u.SortOrder = &n
			old := ""
			if cur.SortOrder != nil {
				old = strconv.FormatInt(*cur.SortOrder, 10)
			}
			differ("sortOrder", old, strconv.FormatInt(n, 10))
		}
	}
	if diffs := customDiffers(rec.Custom, cur.CustomItemValues); len(diffs) > 0 {
		u.CustomItemValues = customInput(rec.Custom, cur.CustomItemValues)
		changes = append(changes, diffs...)
	}
	return u, len(changes) > 0, changes
}

// shown quotes a value for the changes column; an empty one is "(empty)".
func shown(v string) string {
	if v == "" {
		return "(empty)"
	}
	return strconv.Quote(v)
}

// customDiffers lists the custom items whose value differs.
func customDiffers(want []validate.CustomValue, have []kintone.CustomItemValue) []string {
	var diffs []string
	for _, c := range want {
		found := ""
		for _, h := range have {
			if h.Code == c.Code {
				found = h.Value
				break
			}
		}
		if found != c.Value {
			diffs = append(diffs, "customItem."+c.Code+": "+shown(found)+" -> "+shown(c.Value))
		}
	}
	return diffs
}

// customInput is the user's whole custom item list (have, from Get Users)
// with the row's values (want) put in: the items the row does not name
// keep their current values, and an item new to the user is added.
func customInput(want []validate.CustomValue, have []kintone.CustomItemValue) []kintone.CustomItemValue {
	out := make([]kintone.CustomItemValue, 0, len(have)+len(want))
	at := make(map[string]int, len(have))
	for _, h := range have {
		at[h.Code] = len(out)
		out = append(out, h)
	}
	for _, c := range want {
		if i, ok := at[c.Code]; ok {
			out[i].Value = c.Value
			continue
		}
		at[c.Code] = len(out)
		out = append(out, kintone.CustomItemValue{Code: c.Code, Value: c.Value})
	}
	return out
}

// sortOrder is the row's sort order, if it has a usable one.
func sortOrder(rec *validate.Record) (int64, bool) {
	v := rec.Values[validate.SortOrder]
	if !rec.Set[validate.SortOrder] || v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// NewGuest builds the Add Guests payload of a validated row.
func NewGuest(rec *validate.Record) kintone.GuestInput {
	v := &rec.Values
	return kintone.GuestInput{
		Code:             v[validate.Code],
		Password:         kintone.Secret(v[validate.Password]),
		Timezone:         v[validate.Timezone],
		Name:             v[validate.Name],
		Locale:           v[validate.Locale],
		SurNameReading:   v[validate.SurNameReading],
		GivenNameReading: v[validate.GivenNameReading],
		Company:          v[validate.Company],
		Division:         v[validate.Division],
		Phone:            v[validate.Phone],
		Callto:           v[validate.Callto],
	}
}

// Services returns the service list a row asks for, or nil when the
// row has no services value (new users then get the run's default
// services, existing users keep theirs).
func Services(rec *validate.Record) []string {
	if !rec.Set[validate.Services] || strings.TrimSpace(rec.Values[validate.Services]) == "" {
		return nil
	}
	return validate.ParseServices(rec.Values[validate.Services])
}

// Organizations returns the departments a row asks for, or nil when
// the column is absent or empty: Update User's Departments replaces the
// whole list, so it is only sent for rows that fill the column.
func Organizations(rec *validate.Record) []kintone.OrganizationAssignment {
	if !rec.Set[validate.Organizations] || strings.TrimSpace(rec.Values[validate.Organizations]) == "" {
		return nil
	}
	ots, err := validate.ParseOrganizations(rec.Values[validate.Organizations])
	if err != nil {
		return nil // validation already rejected the row
	}
	out := make([]kintone.OrganizationAssignment, len(ots))
	for i, ot := range ots {
		out[i] = kintone.OrganizationAssignment{OrgCode: ot.Org, TitleCode: ot.Title}
	}
	return out
}

// SameServices reports whether two service lists hold the same services,
// in any order.
func SameServices(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// SameOrganizations reports whether a user's departments (have, from Get
// Users) are the ones a row asks for (want), in the same order.
func SameOrganizations(want []kintone.OrganizationAssignment, have []kintone.OrganizationTitle) bool {
	if len(want) != len(have) {
		return false
	}
	for i, w := range want {
		h := have[i]
		title := ""
		if h.Title != nil {
			title = h.Title.Code
		}
		if w.OrgCode != h.Organization.Code || w.TitleCode != title {
			return false
		}
	}
	return true
}

// ptr points at a copy of v, for the payloads' optional fields.
func ptr[T any](v T) *T { return &v }
