package validate

import "github.com/userimport/userimport/i18n"

// Rule is the stable identifier of one validation rule, spelled
// "<field>.<problem>". It is what the report prints as error_code, so a
// published identifier never changes meaning; new rules get new identifiers.
type Rule string

// Rules that apply to any field. Their Issues carry the offending Field (or
// CustomItem and the custom item code).
const (
	// RuleInvalidText: the value is not valid UTF-8, which almost always
	// means the file was read with the wrong encoding. The API would replace
	// the bad bytes with U+FFFD, silently corrupting the value.
	RuleInvalidText Rule = "field.invalid_utf8"
	// RuleControlChar: the value holds a control character (tab, CR and LF
	// are allowed in description only). It stays an error although the
	// service still accepts such values: the only document that speaks of
	// them, Cybozu's 2021-04 API update notice (reference §3.1, S20),
	// declares every control character but ZWJ invalid input to be
	// rejected or stripped; only the date was postponed. So no document
	// makes them valid (unlike the doubtful ranges, where one does), and a
	// value sent today may be rejected or silently changed later: a login
	// name that holds one cannot be typed at the login screen. They are
	// almost always corruption of the file, which the user should see
	// before anything is sent.
	RuleControlChar Rule = "field.control_char"
	// RuleNotForGuests: a guest file holds a field the Add Guests API does
	// not have; it is not sent. Reported once per field per file.
	RuleNotForGuests Rule = "field.not_for_guests"
	// RuleNotForUsers: a user file holds a guest-only field (company,
	// division); it is not sent. Reported once per field per file.
	RuleNotForUsers Rule = "field.not_for_users"
	// RuleFullWidth: full-width digits, letters or spaces in a field
	// cybozu.com expects in half-width (phone numbers, display order,
	// dates) were changed to half-width.
	RuleFullWidth Rule = "field.full_width"
)

// Login name (code) rules.
const (
	RuleCodeRequired      Rule = "code.required"
	RuleCodeTooLong       Rule = "code.too_long"
	RuleCodeForbiddenChar Rule = "code.forbidden_char"
	RuleCodeEdgeSpace     Rule = "code.edge_space"
	RuleCodeNotEmail      Rule = "code.not_email"
	// RuleCodeEmailDoubtful: a guest's login name is an address RFC 5322
	// allows but stricter checks refuse; see emailProblem.
	RuleCodeEmailDoubtful Rule = "code.email_doubtful"
	RuleCodeDuplicate     Rule = "code.duplicate"
	RuleCodeCaseDuplicate Rule = "code.case_duplicate"
)

// Display name and password rules.
const (
	RuleNameRequired           Rule = "name.required"
	RuleNameTooLong            Rule = "name.too_long"
	RulePasswordRequired       Rule = "password.required"
	RulePasswordTooLong        Rule = "password.too_long"
	RulePasswordLengthDoubtful Rule = "password.length_doubtful"
	RulePasswordSpaceDoubtful  Rule = "password.space_doubtful"
	RulePasswordCharDoubtful   Rule = "password.char_doubtful"
)

// Personal name rules. The Japanese reference limits these to 64
// characters, the English one to 128 (Add Guests: readings 64).
const (
	RuleSurNameTooLong                 Rule = "surName.too_long"
	RuleSurNameLengthDoubtful          Rule = "surName.length_doubtful"
	RuleGivenNameTooLong               Rule = "givenName.too_long"
	RuleGivenNameLengthDoubtful        Rule = "givenName.length_doubtful"
	RuleSurNameReadingTooLong          Rule = "surNameReading.too_long"
	RuleSurNameReadingLengthDoubtful   Rule = "surNameReading.length_doubtful"
	RuleGivenNameReadingTooLong        Rule = "givenNameReading.too_long"
	RuleGivenNameReadingLengthDoubtful Rule = "givenNameReading.length_doubtful"
	RuleLocalNameTooLong               Rule = "localName.too_long"
	RuleLocalNameNoLocale              Rule = "localName.no_locale"
	RuleLocalNameLocaleUnknown         Rule = "localNameLocale.unknown"
	// RuleLocalNameLocaleConverted: a language's name (日本語, English)
	// was changed to its code (ja, en).
	RuleLocalNameLocaleConverted Rule = "localNameLocale.converted"
)

// Language and time zone rules.
const (
	RuleLocaleUnknown Rule = "locale.unknown"
	// RuleLocaleConverted: a language's name (日本語, English, 自動) was
	// changed to its code (ja, en, auto).
	RuleLocaleConverted         Rule = "locale.converted"
	RuleTimezoneRequired        Rule = "timezone.required"
	RuleTimezoneMissingDoubtful Rule = "timezone.missing_doubtful"
	RuleTimezoneUnknown         Rule = "timezone.unknown"
	// RuleTimezoneUnlistedDoubtful: an IANA name that is not an ID of the
	// list (an old alias such as Asia/Calcutta, an Etc/ zone): the
	// reference asks for an ID from the help-site list.
	RuleTimezoneUnlistedDoubtful Rule = "timezone.unlisted_doubtful"
)

// Contact and free-text rules.
const (
	RuleDescriptionTooLong     Rule = "description.too_long"
	RulePhoneTooLong           Rule = "phone.too_long"
	RuleMobilePhoneTooLong     Rule = "mobilePhone.too_long"
	RuleExtensionNumberTooLong Rule = "extensionNumber.too_long"
	RuleEmployeeNumberTooLong  Rule = "employeeNumber.too_long"
	RuleEmailTooLong           Rule = "email.too_long"
	RuleEmailInvalid           Rule = "email.invalid"
	// RuleEmailFormatDoubtful: an address RFC 5322 allows but stricter
	// checks refuse; the reference documents no format beyond the length
	// (§3.1), so it is a warning. See emailProblem.
	RuleEmailFormatDoubtful Rule = "email.format_doubtful"
	RuleEmailDuplicate      Rule = "email.duplicate"
	RuleURLTooLong          Rule = "url.too_long"
	RuleCalltoTooLong       Rule = "callto.too_long"
	RuleCompanyTooLong      Rule = "company.too_long"
	RuleDivisionTooLong     Rule = "division.too_long"
)

// Typed value rules.
const (
	RuleBirthDateInvalid Rule = "birthDate.invalid"
	// RuleBirthDateConverted: a date written another way (2025年4月1日,
	// 令和7年4月1日, R7.4.1, 2025.04.01, full-width digits) was changed to
	// YYYY-MM-DD; the finding holds the original.
	RuleBirthDateConverted Rule = "birthDate.converted"
	// RuleBirthDateAmbiguous: a date such as 4/1/2025 reads both as
	// month/day/year and day/month/year, and Options.DateOrder is unset.
	RuleBirthDateAmbiguous Rule = "birthDate.ambiguous"
	RuleJoinDateInvalid    Rule = "joinDate.invalid"
	RuleJoinDateConverted  Rule = "joinDate.converted"
	RuleJoinDateAmbiguous  Rule = "joinDate.ambiguous"
	RuleSortOrderInvalid   Rule = "sortOrder.invalid"
	RuleSortOrderRange     Rule = "sortOrder.range"
	RuleValidInvalid       Rule = "valid.invalid"
	// RuleValidConverted: a Japanese word for a status (使用中, 停止中,
	// 有効, 無効, はい, いいえ) was changed to true or false.
	RuleValidConverted Rule = "valid.converted"
)

// Services and departments rules.
const (
	RuleServicesUnknown        Rule = "services.unknown"
	RuleOrganizationsInvalid   Rule = "organizations.invalid"
	RuleOrganizationsTooLong   Rule = "organizations.too_long"
	RuleOrganizationsTooMany   Rule = "organizations.too_many"
	RuleOrganizationsDuplicate Rule = "organizations.duplicate"
)

// Custom item rules.
const (
	RuleCustomCodeRequired Rule = "custom.code_required"
	RuleCustomTooLong      Rule = "custom.too_long"
)

// AnyField is RuleInfo.Field for the rules that apply to every field.
const AnyField Field = -1

// CustomItem is the Field of Issues and RuleInfos about custom items
// (customItem.<code> columns); Issue.Custom names the item. It lies outside
// the Record.Values range, so never index a [NumFields] array with it.
const CustomItem Field = NumFields

// RuleInfo describes one rule for documentation (the template's header
// notes, the README's rule table).
type RuleInfo struct {
	Rule        Rule
	Severity    Severity
	Field       Field  // AnyField or CustomItem for the generic rules
	Description string // in English; Describe gives other languages
}

type kinds uint8

const (
	forUsers  kinds = 1 << Users
	forGuests kinds = 1 << Guests
	forBoth         = forUsers | forGuests
)

type ruleDef struct {
	RuleInfo
	kinds kinds
}

// ruleTable is the one list of rules: Rules, RulesFor and the severity of
// every Issue come from here; the descriptions come from the catalog.
var ruleTable = describe([]ruleDef{
	{RuleInfo{Rule: RuleInvalidText, Severity: Error, Field: AnyField}, forBoth},
	{RuleInfo{Rule: RuleControlChar, Severity: Error, Field: AnyField}, forBoth},
	{RuleInfo{Rule: RuleNotForGuests, Severity: Warning, Field: AnyField}, forGuests},
	{RuleInfo{Rule: RuleNotForUsers, Severity: Warning, Field: AnyField}, forUsers},
	{RuleInfo{Rule: RuleFullWidth, Severity: Warning, Field: AnyField}, forBoth},

	{RuleInfo{Rule: RuleCodeRequired, Severity: Error, Field: Code}, forBoth},
	{RuleInfo{Rule: RuleCodeTooLong, Severity: Error, Field: Code}, forBoth},
	{RuleInfo{Rule: RuleCodeForbiddenChar, Severity: Error, Field: Code}, forUsers},
	{RuleInfo{Rule: RuleCodeEdgeSpace, Severity: Error, Field: Code}, forBoth},
	{RuleInfo{Rule: RuleCodeNotEmail, Severity: Error, Field: Code}, forGuests},
	{RuleInfo{Rule: RuleCodeEmailDoubtful, Severity: Warning, Field: Code}, forGuests},
	{RuleInfo{Rule: RuleCodeDuplicate, Severity: Error, Field: Code}, forBoth},
	{RuleInfo{Rule: RuleCodeCaseDuplicate, Severity: Warning, Field: Code}, forBoth},

	{RuleInfo{Rule: RuleNameRequired, Severity: Error, Field: Name}, forBoth},
	{RuleInfo{Rule: RuleNameTooLong, Severity: Error, Field: Name}, forBoth},
	{RuleInfo{Rule: RulePasswordRequired, Severity: Error, Field: Password}, forBoth},
	{RuleInfo{Rule: RulePasswordTooLong, Severity: Error, Field: Password}, forBoth},
	{RuleInfo{Rule: RulePasswordLengthDoubtful, Severity: Warning, Field: Password}, forBoth},
	{RuleInfo{Rule: RulePasswordSpaceDoubtful, Severity: Warning, Field: Password}, forBoth},
	{RuleInfo{Rule: RulePasswordCharDoubtful, Severity: Warning, Field: Password}, forBoth},

	{RuleInfo{Rule: RuleSurNameTooLong, Severity: Error, Field: SurName}, forUsers},
	{RuleInfo{Rule: RuleSurNameLengthDoubtful, Severity: Warning, Field: SurName}, forUsers},
	{RuleInfo{Rule: RuleGivenNameTooLong, Severity: Error, Field: GivenName}, forUsers},
	{RuleInfo{Rule: RuleGivenNameLengthDoubtful, Severity: Warning, Field: GivenName}, forUsers},
	{RuleInfo{Rule: RuleSurNameReadingTooLong, Severity: Error, Field: SurNameReading}, forBoth},
	{RuleInfo{Rule: RuleSurNameReadingLengthDoubtful, Severity: Warning, Field: SurNameReading}, forUsers},
	{RuleInfo{Rule: RuleGivenNameReadingTooLong, Severity: Error, Field: GivenNameReading}, forBoth},
	{RuleInfo{Rule: RuleGivenNameReadingLengthDoubtful, Severity: Warning, Field: GivenNameReading}, forUsers},
	{RuleInfo{Rule: RuleLocalNameTooLong, Severity: Error, Field: LocalName}, forUsers},
	{RuleInfo{Rule: RuleLocalNameNoLocale, Severity: Warning, Field: LocalName}, forUsers},
	{RuleInfo{Rule: RuleLocalNameLocaleUnknown, Severity: Error, Field: LocalNameLocale}, forUsers},
	{RuleInfo{Rule: RuleLocalNameLocaleConverted, Severity: Warning, Field: LocalNameLocale}, forUsers},

	{RuleInfo{Rule: RuleLocaleUnknown, Severity: Error, Field: Locale}, forBoth},
	{RuleInfo{Rule: RuleLocaleConverted, Severity: Warning, Field: Locale}, forBoth},
	{RuleInfo{Rule: RuleTimezoneRequired, Severity: Error, Field: Timezone}, forGuests},
	{RuleInfo{Rule: RuleTimezoneMissingDoubtful, Severity: Warning, Field: Timezone}, forUsers},
	{RuleInfo{Rule: RuleTimezoneUnknown, Severity: Error, Field: Timezone}, forBoth},
	{RuleInfo{Rule: RuleTimezoneUnlistedDoubtful, Severity: Warning, Field: Timezone}, forBoth},

	{RuleInfo{Rule: RuleDescriptionTooLong, Severity: Error, Field: Description}, forUsers},
	{RuleInfo{Rule: RulePhoneTooLong, Severity: Error, Field: Phone}, forBoth},
	{RuleInfo{Rule: RuleMobilePhoneTooLong, Severity: Error, Field: MobilePhone}, forUsers},
	{RuleInfo{Rule: RuleExtensionNumberTooLong, Severity: Error, Field: ExtensionNumber}, forUsers},
	{RuleInfo{Rule: RuleEmployeeNumberTooLong, Severity: Error, Field: EmployeeNumber}, forUsers},
	{RuleInfo{Rule: RuleEmailTooLong, Severity: Error, Field: Email}, forUsers},
	{RuleInfo{Rule: RuleEmailInvalid, Severity: Error, Field: Email}, forUsers},
	{RuleInfo{Rule: RuleEmailFormatDoubtful, Severity: Warning, Field: Email}, forUsers},
	{RuleInfo{Rule: RuleEmailDuplicate, Severity: Warning, Field: Email}, forUsers},
	{RuleInfo{Rule: RuleURLTooLong, Severity: Error, Field: URL}, forUsers},
	{RuleInfo{Rule: RuleCalltoTooLong, Severity: Error, Field: Callto}, forBoth},
	{RuleInfo{Rule: RuleCompanyTooLong, Severity: Error, Field: Company}, forGuests},
	{RuleInfo{Rule: RuleDivisionTooLong, Severity: Error, Field: Division}, forGuests},

	{RuleInfo{Rule: RuleBirthDateInvalid, Severity: Error, Field: BirthDate}, forUsers},
	{RuleInfo{Rule: RuleBirthDateConverted, Severity: Warning, Field: BirthDate}, forUsers},
	{RuleInfo{Rule: RuleBirthDateAmbiguous, Severity: Error, Field: BirthDate}, forUsers},
	{RuleInfo{Rule: RuleJoinDateInvalid, Severity: Error, Field: JoinDate}, forUsers},
	{RuleInfo{Rule: RuleJoinDateConverted, Severity: Warning, Field: JoinDate}, forUsers},
	{RuleInfo{Rule: RuleJoinDateAmbiguous, Severity: Error, Field: JoinDate}, forUsers},
	{RuleInfo{Rule: RuleSortOrderInvalid, Severity: Error, Field: SortOrder}, forUsers},
	{RuleInfo{Rule: RuleSortOrderRange, Severity: Error, Field: SortOrder}, forUsers},
	{RuleInfo{Rule: RuleValidInvalid, Severity: Error, Field: Valid}, forUsers},
	{RuleInfo{Rule: RuleValidConverted, Severity: Warning, Field: Valid}, forUsers},

	{RuleInfo{Rule: RuleServicesUnknown, Severity: Error, Field: Services}, forUsers},
	{RuleInfo{Rule: RuleOrganizationsInvalid, Severity: Error, Field: Organizations}, forUsers},
	{RuleInfo{Rule: RuleOrganizationsTooLong, Severity: Error, Field: Organizations}, forUsers},
	{RuleInfo{Rule: RuleOrganizationsTooMany, Severity: Error, Field: Organizations}, forUsers},
	{RuleInfo{Rule: RuleOrganizationsDuplicate, Severity: Warning, Field: Organizations}, forUsers},

	{RuleInfo{Rule: RuleCustomCodeRequired, Severity: Error, Field: CustomItem}, forUsers},
	{RuleInfo{Rule: RuleCustomTooLong, Severity: Warning, Field: CustomItem}, forUsers},
})

// describe fills in the English description of every rule.
func describe(defs []ruleDef) []ruleDef {
	for i := range defs {
		defs[i].Description = defs[i].Describe(i18n.English)
	}
	return defs
}

// DescriptionKey is the catalog key of the rule's one-line description.
func (r Rule) DescriptionKey() i18n.Key { return i18n.Key("rule." + string(r)) }

// Describe returns the rule's one-line description in l.
func (r RuleInfo) Describe(l i18n.Lang) string { return l.Sprintf(r.Rule.DescriptionKey()) }

var ruleSeverity = func() map[Rule]Severity {
	m := make(map[Rule]Severity, len(ruleTable))
	for _, d := range ruleTable {
		if _, dup := m[d.Rule]; dup {
			panic("validate: rule " + string(d.Rule) + " listed twice")
		}
		m[d.Rule] = d.Severity
	}
	return m
}()

// Rules lists every rule in a stable order (grouped by field).
func Rules() []RuleInfo {
	out := make([]RuleInfo, len(ruleTable))
	for i, d := range ruleTable {
		out[i] = d.RuleInfo
	}
	return out
}

// RulesFor lists the rules that can fire for files of kind k.
func RulesFor(k Kind) []RuleInfo {
	var out []RuleInfo
	for _, d := range ruleTable {
		if d.kinds&(1<<k) != 0 {
			out = append(out, d.RuleInfo)
		}
	}
	return out
}
