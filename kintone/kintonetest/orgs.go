package kintonetest

import (
	"encoding/json"
	"net/http"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// maxOrgsPerUser is the documented limit of departments per user in one
// Update User's Departments item (reference §6).
const maxOrgsPerUser = 100

// getUserOrganizations is Get User's Departments: ?code=, answering
// {"organizationTitles":[{organization, title|null}]}, primary first.
func (d *Domain) getUserOrganizations(w http.ResponseWriter, _ *http.Request, c *call) {
	var errs fields.Errors
	code, _ := c.scalar("code")
	d.mu.Lock()
	rec, ok := d.users[code]
	switch {
	case code == "":
		errs.Add(fields.Path{}.Field("code"), fields.MsgRequired)
	case !ok:
		errs.Add(fields.Path{}.Field("code"), fields.MsgUserNotFound, code)
	}
	out := []kintone.OrganizationTitle{}
	if ok {
		for _, a := range rec.orgs {
			ot := kintone.OrganizationTitle{Organization: d.orgs[a.OrgCode]}
			if t, ok := d.titles[a.TitleCode]; ok && a.TitleCode != "" {
				ot.Title = &t
			}
			out = append(out, ot)
		}
	}
	d.mu.Unlock()
	if !errs.Empty() {
		d.failValidation(w, c, &errs)
		return
	}
	writeJSON(w, map[string][]kintone.OrganizationTitle{"organizationTitles": out})
}

// updateUserOrganizations is Update User's Departments: each item replaces
// the user's departments, the first being the primary one (reference §2).
// Departments and titles must exist (WithDepartments).
func (d *Domain) updateUserOrganizations(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		raws := c.items("userOrganizations", errs)
		if raws == nil {
			return nil
		}
		type change struct {
			code string
			orgs []kintone.OrganizationAssignment
		}
		changes := make([]change, 0, len(raws))
		for i, raw := range raws {
			at := fields.Path{}.Field("userOrganizations").At(i)
			obj, code, ok := d.userItem(raw, at, errs)
			if !ok {
				continue
			}
			orgs, ok := d.parseAssignments(obj["organizations"], at.Field("organizations"), errs)
			if ok {
				changes = append(changes, change{code, orgs})
			}
		}
		return func() {
			for _, ch := range changes {
				rec := d.users[ch.code]
				rec.orgs = ch.orgs
				rec.user.PrimaryOrganization = ""
				if len(ch.orgs) > 0 {
					rec.user.PrimaryOrganization = d.orgs[ch.orgs[0].OrgCode].ID
				}
			}
		}
	})
}

// parseAssignments checks one user's organizations array: required (an
// empty array removes every department), ≤100, orgCode required and known,
// titleCode optional and known, no department twice.
func (d *Domain) parseAssignments(raw json.RawMessage, at fields.Path, errs *fields.Errors) ([]kintone.OrganizationAssignment, bool) {
	if raw == nil || fields.IsNull(raw) {
		errs.Add(at, fields.MsgRequired)
		return nil, false
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		errs.Add(at, fields.MsgType)
		return nil, false
	}
	if len(list) > maxOrgsPerUser {
		errs.Add(at, fields.MsgTooMany, maxOrgsPerUser)
		return nil, false
	}
	out := make([]kintone.OrganizationAssignment, 0, len(list))
	seen := map[string]bool{}
	ok := true
	for j, e := range list {
		ap := at.At(j)
		obj, isObj := fields.DecodeObject(e)
		if !isObj {
			errs.Add(ap, fields.MsgType)
			ok = false
			continue
		}
		var a kintone.OrganizationAssignment
		if json.Unmarshal(obj["orgCode"], &a.OrgCode) != nil || a.OrgCode == "" {
			errs.Add(ap.Field("orgCode"), fields.MsgRequired)
			ok = false
			continue
		}
		if _, exists := d.orgs[a.OrgCode]; !exists {
			errs.Add(ap.Field("orgCode"), fields.MsgOrgNotFound, a.OrgCode)
			ok = false
		} else if seen[a.OrgCode] {
			errs.Add(ap.Field("orgCode"), fields.MsgDuplicate, a.OrgCode)
			ok = false
		}
		seen[a.OrgCode] = true
		if t, present := obj["titleCode"]; present && !fields.IsNull(t) {
			if json.Unmarshal(t, &a.TitleCode) != nil {
				errs.Add(ap.Field("titleCode"), fields.MsgType)
				ok = false
			} else if _, exists := d.titles[a.TitleCode]; a.TitleCode != "" && !exists {
				errs.Add(ap.Field("titleCode"), fields.MsgTitleNotFound, a.TitleCode)
				ok = false
			}
		}
		out = append(out, a)
	}
	return out, ok
}
