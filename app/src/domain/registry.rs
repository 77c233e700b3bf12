//! The registry: households, clans (dòng họ) and organisation units (cơ quan, trường học,
//! doanh nghiệp). Input types with their validation rules, shared by the form (instant
//! feedback) and the server (the authority).

use crate::domain::text::{check_person_name, clean};
use crate::error::FieldError;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Largest number of members one household record may list.
pub const MAX_MEMBERS: usize = 30;

/// One person in a household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub full_name: String,
    pub birth_year: Option<i32>,
    /// Relation to the head: "Chủ hộ", "Vợ", "Con", ...
    pub relation: String,
}

/// What a form sends to create or update a household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdInput {
    /// The village (thôn / tổ dân phố) the household lives in.
    pub village_id: i64,
    /// Optional local household code (mã hộ), unique within the village when given.
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    pub members: Vec<Member>,
}

/// A household as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: i64,
    pub version: i64,
    pub village_id: i64,
    pub village_name: String,
    pub commune_name: String,
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    pub member_count: i64,
    pub members: Vec<Member>,
    pub active: bool,
}

/// What a form sends to create or update a clan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClanInput {
    /// The commune the clan belongs to; its households may live in any village of it.
    pub commune_id: i64,
    pub name: String,
    pub representative: String,
    pub phone: String,
    pub household_ids: Vec<i64>,
}

/// A clan as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clan {
    pub id: i64,
    pub version: i64,
    pub commune_id: i64,
    pub commune_name: String,
    pub name: String,
    pub representative: String,
    pub phone: String,
    pub household_count: i64,
    pub households: Vec<HouseholdRef>,
    pub active: bool,
}

/// A short reference to a household (for clan membership lists and pickers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRef {
    pub id: i64,
    pub head_name: String,
    pub village_name: String,
}

/// Kinds of organisation unit that can become an "Đơn vị học tập".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrganisationKind {
    Agency,
    School,
    Enterprise,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Agency,
        OrganisationKind::School,
        OrganisationKind::Enterprise,
        OrganisationKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrganisationKind::Agency => "agency",
            OrganisationKind::School => "school",
            OrganisationKind::Enterprise => "enterprise",
            OrganisationKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OrganisationKind::Agency => lang.t("Cơ quan", "Agency"),
            OrganisationKind::School => lang.t("Trường học", "School"),
            OrganisationKind::Enterprise => lang.t("Doanh nghiệp", "Enterprise"),
            OrganisationKind::Other => lang.t("Khác", "Other"),
        }
    }
}

/// What a form sends to create or update an organisation unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: OrganisationKind,
    /// The org unit that manages it (commune for units "thuộc xã", district or province above).
    pub managing_unit_id: i64,
    pub head_name: String,
    pub address: String,
    pub phone: String,
}

impl Default for OrganisationInput {
    fn default() -> Self {
        OrganisationInput {
            name: String::new(),
            kind: OrganisationKind::School,
            managing_unit_id: 0,
            head_name: String::new(),
            address: String::new(),
            phone: String::new(),
        }
    }
}

/// An organisation unit as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub kind: OrganisationKind,
    pub managing_unit_id: i64,
    pub managing_unit_name: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
}

/// A registry record as the edit forms see it: saved with optimistic versions (a save names the
/// version it started from) and switched active or inactive rather than deleted.
pub trait RegistryRecord: Clone + Send + Sync + 'static {
    fn id(&self) -> i64;
    fn version(&self) -> i64;
    fn is_active(&self) -> bool;
}

macro_rules! registry_record {
    ($($record:ty),*) => {$(
        impl RegistryRecord for $record {
            fn id(&self) -> i64 {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
            fn is_active(&self) -> bool {
                self.active
            }
        }
    )*};
}
registry_record!(Household, Clan, Organisation);

fn required(errors: &mut Vec<FieldError>, field: &str, value: &str, vi: &str, en: &str) {
    if value.is_empty() {
        errors.push(FieldError::new(
            field,
            format!("Vui lòng nhập {vi}."),
            format!("Please enter {en}."),
        ));
    }
}

/// Adds the person-name problem of `value` (see [`check_person_name`]) to `errors`.
fn person_name(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    if let Err(message) = check_person_name(value) {
        errors.push(FieldError {
            field: field.to_string(),
            message,
        });
    }
}

fn max_len(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("Tối đa {max} ký tự."),
            format!("At most {max} characters."),
        ));
    }
}

/// Normalises a Vietnamese phone number to digits with a leading 0; `None` if it is not one.
/// Accepts spaces, dots and dashes, and the +84 / 84 country prefix.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    let ok = national.len() == 10
        && national.starts_with('0')
        && national.chars().all(|c| c.is_ascii_digit());
    ok.then_some(national)
}

fn check_phone(errors: &mut Vec<FieldError>, field: &str, phone: &mut String) {
    if phone.is_empty() {
        return;
    }
    match normalise_phone(phone) {
        Some(p) => *phone = p,
        None => errors.push(FieldError::new(
            field,
            "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912 345 678).",
            "A phone number has 10 digits starting with 0 (for example 0912 345 678).",
        )),
    }
}

/// The current year bounds for birth years (a household member cannot be born in the future).
fn birth_year_ok(year: i32, this_year: i32) -> bool {
    (1900..=this_year).contains(&year)
}

impl HouseholdInput {
    /// Cleans every text field (trim, NFC, phone format) and checks the rules. Returns the
    /// cleaned input, or every problem found, each tied to its field.
    pub fn validate(mut self, this_year: i32) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.code = clean(&self.code);
        self.head_name = clean(&self.head_name);
        self.address = clean(&self.address);
        self.phone = clean(&self.phone);
        if self.village_id <= 0 {
            errors.push(FieldError::new(
                "village_id",
                "Vui lòng chọn thôn / tổ dân phố.",
                "Please choose a village.",
            ));
        }
        required(
            &mut errors,
            "head_name",
            &self.head_name,
            "họ tên chủ hộ",
            "the head of household's name",
        );
        max_len(&mut errors, "head_name", &self.head_name, 100);
        person_name(&mut errors, "head_name", &self.head_name);
        if self.head_name.chars().any(|c| c.is_ascii_digit()) {
            errors.push(FieldError::new(
                "head_name",
                "Họ tên không được chứa chữ số.",
                "A name cannot contain digits.",
            ));
        }
        max_len(&mut errors, "address", &self.address, 200);
        max_len(&mut errors, "code", &self.code, 30);
        check_phone(&mut errors, "phone", &mut self.phone);
        if self.members.len() > MAX_MEMBERS {
            errors.push(FieldError::new(
                "members",
                format!("Một hộ có tối đa {MAX_MEMBERS} thành viên."),
                format!("A household has at most {MAX_MEMBERS} members."),
            ));
        }
        for (i, m) in self.members.iter_mut().enumerate() {
            m.full_name = clean(&m.full_name);
            m.relation = clean(&m.relation);
            if m.full_name.is_empty() {
                errors.push(FieldError::new(
                    format!("members.{i}.full_name"),
                    "Vui lòng nhập họ tên thành viên.",
                    "Please enter the member's name.",
                ));
            }
            max_len(
                &mut errors,
                &format!("members.{i}.full_name"),
                &m.full_name,
                100,
            );
            person_name(&mut errors, &format!("members.{i}.full_name"), &m.full_name);
            max_len(
                &mut errors,
                &format!("members.{i}.relation"),
                &m.relation,
                40,
            );
            if let Some(y) = m.birth_year {
                if !birth_year_ok(y, this_year) {
                    errors.push(FieldError::new(
                        format!("members.{i}.birth_year"),
                        format!("Năm sinh phải từ 1900 đến {this_year}."),
                        format!("Birth year must be between 1900 and {this_year}."),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl ClanInput {
    pub fn validate(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.name = clean(&self.name);
        self.representative = clean(&self.representative);
        self.phone = clean(&self.phone);
        if self.commune_id <= 0 {
            errors.push(FieldError::new(
                "commune_id",
                "Vui lòng chọn xã.",
                "Please choose a commune.",
            ));
        }
        required(
            &mut errors,
            "name",
            &self.name,
            "tên dòng họ",
            "the clan's name",
        );
        max_len(&mut errors, "name", &self.name, 100);
        required(
            &mut errors,
            "representative",
            &self.representative,
            "người đại diện (trưởng họ)",
            "the representative",
        );
        max_len(&mut errors, "representative", &self.representative, 100);
        person_name(&mut errors, "representative", &self.representative);
        check_phone(&mut errors, "phone", &mut self.phone);
        self.household_ids.sort_unstable();
        self.household_ids.dedup();
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl OrganisationInput {
    pub fn validate(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.name = clean(&self.name);
        self.head_name = clean(&self.head_name);
        self.address = clean(&self.address);
        self.phone = clean(&self.phone);
        if self.managing_unit_id <= 0 {
            errors.push(FieldError::new(
                "managing_unit_id",
                "Vui lòng chọn đơn vị quản lý.",
                "Please choose the managing unit.",
            ));
        }
        required(
            &mut errors,
            "name",
            &self.name,
            "tên đơn vị",
            "the unit's name",
        );
        max_len(&mut errors, "name", &self.name, 200);
        max_len(&mut errors, "head_name", &self.head_name, 100);
        person_name(&mut errors, "head_name", &self.head_name);
        max_len(&mut errors, "address", &self.address, 200);
        check_phone(&mut errors, "phone", &mut self.phone);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// The key two household records are compared on to find duplicates: same village, same head
/// (ignoring accents and case) and same address (likewise).
pub fn household_duplicate_key(village_id: i64, head_name: &str, address: &str) -> String {
    format!(
        "{village_id}{}",
        household_duplicate_tail(head_name, address)
    )
}

/// The part of [`household_duplicate_key`] after the village id (an import computes it before
/// it knows the village).
pub fn household_duplicate_tail(head_name: &str, address: &str) -> String {
    use crate::domain::text::search_key;
    format!("|{}|{}", search_key(head_name), search_key(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_household() -> HouseholdInput {
        HouseholdInput {
            village_id: 3,
            code: String::new(),
            head_name: "  Hồ   Văn Tâm ".into(),
            address: "Thôn 1".into(),
            phone: "0912 345 678".into(),
            members: vec![Member {
                full_name: "Hồ Thị Lan".into(),
                birth_year: Some(1990),
                relation: "Vợ".into(),
            }],
        }
    }

    #[test]
    fn valid_household_is_cleaned() {
        let h = valid_household().validate(2026).expect("valid");
        assert_eq!(h.head_name, "Hồ Văn Tâm");
        assert_eq!(h.phone, "0912345678");
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let mut h = valid_household();
        h.village_id = 0;
        h.head_name = " ".into();
        h.phone = "12345".into();
        h.members[0].birth_year = Some(2099);
        let errors = h.validate(2026).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["village_id", "head_name", "phone", "members.0.birth_year"]
        );
    }

    #[test]
    fn phones_accept_country_prefix() {
        assert_eq!(
            normalise_phone("+84 912.345.678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            normalise_phone("84912345678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(normalise_phone("091234567"), None);
    }

    #[test]
    fn duplicate_key_ignores_accents_and_spacing() {
        assert_eq!(
            household_duplicate_key(1, "Hồ Văn Tâm", "Thôn 1"),
            household_duplicate_key(1, "ho  van tam", "THON 1")
        );
    }
}
