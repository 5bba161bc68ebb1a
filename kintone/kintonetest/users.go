package kintonetest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// wireUser is a User as Get Users sends it: unset strings are "", ids are
// strings, and primaryOrganization is the org id or null (reference §3.2).
type wireUser struct {
	kintone.User
	// PrimaryOrganization is nil (null), a string or a json.Number.
	PrimaryOrganization any `json:"primaryOrganization"`
}

// toWire renders u for Get Users: every custom item of the domain, "" when
// not set (reference §12). numeric sends primaryOrganization as a JSON
// number (WithNumericPrimaryOrganization) when the id is one; an id given
// by WithDepartments that is not all digits stays a string.
func (d *Domain) toWire(u kintone.User) wireUser {
	w := wireUser{User: copyUser(u)}
	w.CustomItemValues = make([]kintone.CustomItemValue, len(d.customItems))
	for i, code := range d.customItems {
		w.CustomItemValues[i].Code = code
		if j := slices.IndexFunc(u.CustomItemValues, func(v kintone.CustomItemValue) bool { return v.Code == code }); j >= 0 {
			w.CustomItemValues[i].Value = u.CustomItemValues[j].Value
		}
	}
	numeric := d.cfg.numericPrimaryOrg
	if id := u.PrimaryOrganization; id != "" {
		w.PrimaryOrganization = id
		if numeric && allDigits(id) {
			w.PrimaryOrganization = json.Number(id)
		}
	}
	return w
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (d *Domain) failValidation(w http.ResponseWriter, c *call, errs *fields.Errors) {
	writeAPIError(w, errValidation.status, errValidation, c.lang, errs.Render(c.lang, c.indexed))
}

// getUsers is Get Users (reference §2): ids xor codes, offset, size, sorted
// by id.
func (d *Domain) getUsers(w http.ResponseWriter, _ *http.Request, c *call) {
	var errs fields.Errors
	ids := c.list("ids", &errs)
	codes := c.list("codes", &errs)
	offset, size := c.paging(&errs)
	if len(ids) > 0 && len(codes) > 0 {
		errs.Add(fields.Path{}.Field("ids"), fields.MsgIDsAndCodes)
	}
	if len(ids) > kintone.MaxPerRequest {
		errs.Add(fields.Path{}.Field("ids"), fields.MsgTooMany, kintone.MaxPerRequest)
	}
	if len(codes) > kintone.MaxPerRequest {
		errs.Add(fields.Path{}.Field("codes"), fields.MsgTooMany, kintone.MaxPerRequest)
	}
	idSet := map[uint64]bool{}
	for i, id := range ids {
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil || n == 0 {
			errs.Add(fields.Path{}.Field("ids").At(i), fields.MsgBadID, id)
			continue
		}
		idSet[n] = true
	}
	if !errs.Empty() {
		d.failValidation(w, c, &errs)
		return
	}
	codeSet := map[string]bool{}
	for _, code := range codes {
		codeSet[code] = true
	}
	d.mu.Lock()
	var sel []*record
	for _, r := range d.sortedRecords() {
		if (len(idSet) > 0 && !idSet[r.id]) || (len(codeSet) > 0 && !codeSet[r.user.Code]) {
			continue
		}
		sel = append(sel, r)
	}
	out := []wireUser{}
	for _, r := range page(sel, offset, size) {
		out = append(out, d.toWire(r.user))
	}
	d.mu.Unlock()
	writeJSON(w, map[string][]wireUser{"users": out})
}

func (d *Domain) addUsers(w http.ResponseWriter, _ *http.Request, c *call) {
	// Items are decoded and checked against the field rules before d.mu is
	// taken: that needs no domain state, and concurrent batches should not
	// queue behind each other's decoding, as they do not on a real domain.
	var pre fields.Errors
	raws := c.items("users", &pre)
	parsed := d.parseAddUsers(raws)
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		if raws == nil {
			errs.Append(&pre)
			return nil
		}
		commit := d.checkAddUsers(parsed, errs)
		c.partial = func() { commit(errs.FirstItem()) }
		return func() { commit(len(parsed)) }
	})
}

// parsedItem is one write item decoded outside the lock, with the errors
// of its own fields.
type parsedItem struct {
	it   *fields.Item
	errs fields.Errors
}

func (d *Domain) parseAddUsers(raws []json.RawMessage) []parsedItem {
	parsed := make([]parsedItem, len(raws))
	users := fields.Path{}.Field("users")
	for i, raw := range raws {
		parsed[i].it = fields.ParseItem(raw, fields.UserRules, true, d.cfg.jaLimits, users.At(i), &parsed[i].errs)
	}
	return parsed
}

// validateAddUsers checks an Add Users batch against the rules and the
// current state (caller holds d.mu) and returns the step that applies it.
func (d *Domain) validateAddUsers(raws []json.RawMessage, errs *fields.Errors) func() {
	commit := d.checkAddUsers(d.parseAddUsers(raws), errs)
	return func() { commit(len(raws)) }
}

// newCodes checks the login names of an Add request: each must be new,
// neither existing already nor repeating an earlier item of the request.
type newCodes struct {
	seen map[string]bool
	dups int
}

func (n *newCodes) check(code string, exists bool, at fields.Path, m fields.Msg, errs *fields.Errors) {
	if n.seen == nil {
		n.seen = make(map[string]bool)
	}
	if exists || n.seen[code] {
		errs.Add(at, m, code)
		n.dups++
	}
	n.seen[code] = true
}

// count adds the duplicates found to the server's statistics.
func (n *newCodes) count(d *Domain) {
	if n.dups > 0 {
		d.bump(func(st *Stats) { st.DuplicateAdds += n.dups })
	}
}

// checkAddUsers checks parsed items against the current state (caller
// holds d.mu) and returns the step that applies the first n of them. Each
// item's field
// errors come first, then its duplicate check, so the errors are in the
// same order as if it were all done in one pass. Duplicates are reported
// against existing users and earlier items of the same batch.
func (d *Domain) checkAddUsers(parsed []parsedItem, errs *fields.Errors) func(n int) {
	items := make([]*fields.Item, len(parsed))
	var codes newCodes
	for i := range parsed {
		errs.Append(&parsed[i].errs)
		it := parsed[i].it
		items[i] = it
		if it == nil {
			continue
		}
		d.checkCustomCodes(it, fields.Path{}.Field("users").At(i), errs)
		code, ok := it.Str("code")
		if !ok {
			continue
		}
		_, exists := d.users[code]
		codes.check(code, exists, fields.Path{}.Field("users").At(i).Field("code"), fields.MsgUserExists, errs)
	}
	codes.count(d)
	return func(n int) {
		now := d.now()
		for _, it := range items[:n] {
			rec := &record{id: d.nextID}
			d.nextID++
			rec.user = kintone.User{
				ID: strconv.FormatUint(rec.id, 10), CTime: now, MTime: now,
				Valid: true, Timezone: fields.DefaultTimezone, Locale: "auto",
				CustomItemValues: []kintone.CustomItemValue{},
			}
			d.applyItem(rec, it)
			d.insertRecord(rec)
		}
	}
}

func (d *Domain) updateUsers(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		raws := c.items("users", errs)
		if raws == nil {
			return nil
		}
		items := make([]*fields.Item, len(raws))
		for i, raw := range raws {
			at := fields.Path{}.Field("users").At(i)
			it := fields.ParseItem(raw, fields.UserRules, false, d.cfg.jaLimits, at, errs)
			items[i] = it
			if it == nil {
				continue
			}
			d.checkCustomCodes(it, at, errs)
			if code, ok := it.Str("code"); ok {
				rec, exists := d.users[code]
				if !exists {
					errs.Add(at.Field("code"), fields.MsgUserNotFound, code)
				} else if rec.admin {
					c.forbidden = c.forbidden || c.needsDangerousZone()
				}
			}
		}
		return func() {
			now := d.now()
			for _, it := range items {
				code, _ := it.Str("code")
				rec := d.users[code]
				d.applyItem(rec, it)
				rec.user.MTime = now
			}
		}
	})
}

// applyItem copies the present fields of it onto rec. "" clears an optional
// string; an empty time zone or locale falls back to the defaults, as the
// CSV format documents for blanks (reference §7).
func (d *Domain) applyItem(rec *record, it *fields.Item) {
	u := &rec.user
	for name, v := range it.Strs {
		switch name {
		case "password":
			rec.password = v
			continue
		case "timezone":
			if v == "" {
				v = fields.DefaultTimezone
			}
		case "locale":
			if v == "" {
				v = "auto"
			}
		}
		if p := stringField(u, name); p != nil {
			*p = v
		}
	}
	if it.HasValid {
		u.Valid = it.Valid
	}
	if it.HasSortOrder {
		u.SortOrder = it.SortOrder
	}
	if it.HasCustom {
		d.applyCustom(u, it.Custom)
	}
}

// applyCustom sets the custom items of u named in cvs. The items not
// named keep their values, or with WithCustomItemsReplace are cleared.
func (d *Domain) applyCustom(u *kintone.User, cvs []fields.CustomValue) {
	if d.cfg.customReplace {
		u.CustomItemValues = u.CustomItemValues[:0]
	}
	for _, cv := range cvs {
		if !slices.Contains(d.customItems, cv.Code) {
			d.customItems = append(d.customItems, cv.Code)
		}
		i := slices.IndexFunc(u.CustomItemValues, func(x kintone.CustomItemValue) bool { return x.Code == cv.Code })
		if i >= 0 {
			u.CustomItemValues[i].Value = cv.Value
		} else {
			u.CustomItemValues = append(u.CustomItemValues, kintone.CustomItemValue{Code: cv.Code, Value: cv.Value})
		}
	}
}

// checkCustomCodes refuses custom item codes the domain does not define,
// when WithCustomItems defined them.
func (d *Domain) checkCustomCodes(it *fields.Item, at fields.Path, errs *fields.Errors) {
	if !d.customFixed {
		return
	}
	for i, cv := range it.Custom {
		if !slices.Contains(d.customItems, cv.Code) {
			errs.Add(at.Field("customItemValues").At(i).Field("code"), fields.MsgCustomNotFound, cv.Code)
		}
	}
}

// stringField returns the User field that the JSON field name sets, nil
// for a name that is not a string field of User.
func stringField(u *kintone.User, name string) *string {
	if f := userStrings[name]; f != nil {
		return f(u)
	}
	return nil
}

// userStrings are the string fields of User by JSON name.
var userStrings = map[string]func(*kintone.User) *string{
	"code":             func(u *kintone.User) *string { return &u.Code },
	"name":             func(u *kintone.User) *string { return &u.Name },
	"surName":          func(u *kintone.User) *string { return &u.SurName },
	"givenName":        func(u *kintone.User) *string { return &u.GivenName },
	"surNameReading":   func(u *kintone.User) *string { return &u.SurNameReading },
	"givenNameReading": func(u *kintone.User) *string { return &u.GivenNameReading },
	"localName":        func(u *kintone.User) *string { return &u.LocalName },
	"localNameLocale":  func(u *kintone.User) *string { return &u.LocalNameLocale },
	"timezone":         func(u *kintone.User) *string { return &u.Timezone },
	"locale":           func(u *kintone.User) *string { return &u.Locale },
	"description":      func(u *kintone.User) *string { return &u.Description },
	"phone":            func(u *kintone.User) *string { return &u.Phone },
	"mobilePhone":      func(u *kintone.User) *string { return &u.MobilePhone },
	"extensionNumber":  func(u *kintone.User) *string { return &u.ExtensionNumber },
	"email":            func(u *kintone.User) *string { return &u.Email },
	"callto":           func(u *kintone.User) *string { return &u.Callto },
	"url":              func(u *kintone.User) *string { return &u.URL },
	"employeeNumber":   func(u *kintone.User) *string { return &u.EmployeeNumber },
	"birthDate":        func(u *kintone.User) *string { return &u.BirthDate },
	"joinDate":         func(u *kintone.User) *string { return &u.JoinDate },
}

// deleteUsers is Delete Users: {"codes":[...]}; the user's services and
// departments go with it.
func (d *Domain) deleteUsers(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		codes := c.codes("codes", errs)
		for i, code := range codes {
			rec, ok := d.users[code]
			switch {
			case code == "":
			case !ok:
				errs.Add(fields.Path{}.Field("codes").At(i), fields.MsgUserNotFound, code)
			case rec.admin:
				c.forbidden = c.forbidden || c.needsDangerousZone()
			}
		}
		return func() { d.removeRecords(codes) }
	})
}

type wireServices struct {
	Code     string   `json:"code"`
	Services []string `json:"services"`
}

// getServices is Get User Services: codes (≤100) or all, paged, sorted by
// id, without the Administrator (reference §2).
func (d *Domain) getServices(w http.ResponseWriter, _ *http.Request, c *call) {
	var errs fields.Errors
	codes := c.list("codes", &errs)
	offset, size := c.paging(&errs)
	if len(codes) > kintone.MaxPerRequest {
		errs.Add(fields.Path{}.Field("codes"), fields.MsgTooMany, kintone.MaxPerRequest)
	}
	if !errs.Empty() {
		d.failValidation(w, c, &errs)
		return
	}
	codeSet := map[string]bool{}
	for _, code := range codes {
		codeSet[code] = true
	}
	d.mu.Lock()
	var sel []*record
	for _, r := range d.sortedRecords() {
		if r.id == firstUserID || (len(codeSet) > 0 && !codeSet[r.user.Code]) {
			continue
		}
		sel = append(sel, r)
	}
	out := []wireServices{}
	for _, r := range page(sel, offset, size) {
		out = append(out, wireServices{Code: r.user.Code, Services: append([]string{}, r.services...)})
	}
	d.mu.Unlock()
	writeJSON(w, map[string][]wireServices{"users": out})
}

func (d *Domain) updateServices(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		raws := c.items("users", errs)
		if raws == nil {
			return nil
		}
		commit := d.validateServices(raws, errs)
		if errs.Has(fields.MsgUserNotFound) {
			c.rejectStatus = d.cfg.unknownUserStatus
		}
		return commit
	})
}

// userItem decodes one item of a write that addresses existing users by
// code (services, departments): the object, and its code. It reports a
// malformed item (and returns ok false), a missing code, or a code of no
// user; the caller checks the item's other keys either way, as the
// service reports every problem of a request at once.
func (d *Domain) userItem(raw json.RawMessage, at fields.Path, errs *fields.Errors) (obj map[string]json.RawMessage, code string, ok bool) {
	obj, ok = fields.DecodeObject(raw)
	if !ok {
		errs.Add(at, fields.MsgType)
		return nil, "", false
	}
	if json.Unmarshal(obj["code"], &code) != nil || code == "" {
		errs.Add(at.Field("code"), fields.MsgRequired)
	} else if _, exists := d.users[code]; !exists {
		errs.Add(at.Field("code"), fields.MsgUserNotFound, code)
	}
	return obj, code, true
}

// validateServices checks an Update User Services batch (caller holds
// d.mu). Each item replaces the user's whole list; [] removes all.
func (d *Domain) validateServices(raws []json.RawMessage, errs *fields.Errors) func() {
	type change struct {
		code     string
		services []string
	}
	changes := make([]change, 0, len(raws))
	for i, raw := range raws {
		at := fields.Path{}.Field("users").At(i)
		obj, code, ok := d.userItem(raw, at, errs)
		if !ok {
			continue
		}
		sraw, ok := obj["services"]
		if !ok || fields.IsNull(sraw) {
			errs.Add(at.Field("services"), fields.MsgRequired)
			continue
		}
		var list []json.RawMessage
		if json.Unmarshal(sraw, &list) != nil {
			errs.Add(at.Field("services"), fields.MsgType)
			continue
		}
		services := make([]string, 0, len(list))
		for j, e := range list {
			var name string
			if json.Unmarshal(e, &name) != nil || !slices.Contains(fields.ServiceNames, name) {
				errs.Add(at.Field("services").At(j), fields.MsgEnum, "kintone, garoon, office, mailwise, secure_access")
				continue
			}
			if !slices.Contains(services, name) {
				services = append(services, name)
			}
		}
		changes = append(changes, change{code, services})
	}
	return func() {
		for _, ch := range changes {
			d.users[ch.code].services = ch.services
		}
	}
}
