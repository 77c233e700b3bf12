//! Spreadsheet imports (households, org units): the fields a column can map to, the automatic
//! mapping from header names, and the preview and row errors shown before anything is written.

use crate::domain::text::search_key;
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};

/// What an import file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Households,
    OrgUnits,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Households => "households",
            ImportKind::OrgUnits => "org_units",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "households" => Some(ImportKind::Households),
            "org_units" => Some(ImportKind::OrgUnits),
            _ => None,
        }
    }

    /// The fields a column of this kind of file can map to.
    pub fn fields(self) -> &'static [ImportField] {
        use ImportField::*;
        match self {
            ImportKind::Households => &[
                VillageCode,
                HouseholdCode,
                HeadName,
                Address,
                Phone,
                Members,
            ],
            ImportKind::OrgUnits => &[UnitCode, UnitName, UnitLevel, ParentCode],
        }
    }
}

/// A field a spreadsheet column can be mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportField {
    VillageCode,
    HouseholdCode,
    HeadName,
    Address,
    Phone,
    /// Member names separated by `;` (optionally "Tên (năm sinh)").
    Members,
    UnitCode,
    UnitName,
    UnitLevel,
    ParentCode,
}

impl ImportField {
    pub fn code(self) -> &'static str {
        use ImportField::*;
        match self {
            VillageCode => "village_code",
            HouseholdCode => "household_code",
            HeadName => "head_name",
            Address => "address",
            Phone => "phone",
            Members => "members",
            UnitCode => "code",
            UnitName => "name",
            UnitLevel => "level",
            ParentCode => "parent_code",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        use ImportField::*;
        [
            VillageCode,
            HouseholdCode,
            HeadName,
            Address,
            Phone,
            Members,
            UnitCode,
            UnitName,
            UnitLevel,
            ParentCode,
        ]
        .into_iter()
        .find(|f| f.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use ImportField::*;
        match self {
            VillageCode => lang.t("Mã thôn / tổ dân phố", "Village code"),
            HouseholdCode => lang.t("Mã hộ", "Household code"),
            HeadName => lang.t("Họ tên chủ hộ", "Head of household"),
            Address => lang.t("Địa chỉ", "Address"),
            Phone => lang.t("Điện thoại", "Phone"),
            Members => lang.t("Thành viên (ngăn cách bởi ;)", "Members (separated by ;)"),
            UnitCode => lang.t("Mã đơn vị", "Unit code"),
            UnitName => lang.t("Tên đơn vị", "Unit name"),
            UnitLevel => lang.t("Cấp", "Level"),
            ParentCode => lang.t("Mã đơn vị cấp trên", "Parent code"),
        }
    }

    pub fn required(self) -> bool {
        use ImportField::*;
        matches!(
            self,
            VillageCode | HeadName | UnitCode | UnitName | UnitLevel
        )
    }

    /// Header texts (in [`header_key`] form: no accents, lower case, `_` and `-` as spaces) that
    /// map to this field automatically: the Vietnamese names, typed with or without diacritics
    /// or with underscores (`ma_thon`), the field codes, and the English names.
    fn synonyms(self) -> &'static [&'static str] {
        use ImportField::*;
        match self {
            VillageCode => &[
                "ma thon",
                "ma thon/to dan pho",
                "ma thon / to dan pho",
                "ma to dan pho",
                "ma thon to dan pho",
                "village code",
                "village id",
            ],
            HouseholdCode => &[
                "ma ho",
                "ma ho gia dinh",
                "household code",
                "household id",
                "household no",
                "household number",
            ],
            HeadName => &[
                "ho ten chu ho",
                "chu ho",
                "ten chu ho",
                "ho va ten chu ho",
                "head of household",
                "household head",
                "head name",
            ],
            Address => &["dia chi", "address"],
            Phone => &[
                "dien thoai",
                "so dien thoai",
                "sdt",
                "so dt",
                "phone",
                "phone number",
                "telephone",
                "mobile",
            ],
            Members => &[
                "thanh vien",
                "thanh vien (ngan cach boi ;)",
                "cac thanh vien",
                "members",
                "household members",
            ],
            UnitCode => &["ma don vi", "ma", "ma dvhc", "code", "unit code"],
            UnitName => &["ten don vi", "ten", "name", "unit name"],
            UnitLevel => &["cap", "cap hanh chinh", "level", "unit level"],
            ParentCode => &[
                "ma don vi cap tren",
                "ma cap tren",
                "ma cha",
                "parent code",
                "parent unit code",
            ],
        }
    }
}

/// The form a header is compared in: [`search_key`] (no accents, lower case, single spaces),
/// with `_` and `-` read as spaces and a required-field mark (`*`) or a trailing colon dropped,
/// so `Mã thôn`, `ma thon`, `MA_THON` and `Mã thôn *:` are one header.
pub fn header_key(header: &str) -> String {
    let spaced: String = header
        .chars()
        .filter(|c| *c != '*')
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    search_key(&spaced)
        .trim_end_matches(':')
        .trim_end()
        .to_string()
}

/// Proposes a mapping for each header: the field whose synonym matches, each field used once.
pub fn suggest_mapping(kind: ImportKind, headers: &[String]) -> Vec<Option<ImportField>> {
    let mut used = Vec::new();
    headers
        .iter()
        .map(|h| {
            let key = header_key(h);
            let found = kind
                .fields()
                .iter()
                .copied()
                .find(|f| !used.contains(f) && f.synonyms().contains(&key.as_str()));
            if let Some(f) = found {
                used.push(f);
            }
            found
        })
        .collect()
}

/// Checks that every required field is mapped exactly once.
pub fn check_mapping(kind: ImportKind, mapping: &[Option<ImportField>]) -> Result<(), Msg> {
    for field in kind.fields() {
        let count = mapping.iter().filter(|m| **m == Some(*field)).count();
        if count > 1 {
            return Err(Msg::new(
                format!(
                    "Trường \"{}\" được gán cho nhiều cột.",
                    field.label(Lang::Vi)
                ),
                format!(
                    "Field \"{}\" is mapped to more than one column.",
                    field.label(Lang::En)
                ),
            ));
        }
        if count == 0 && field.required() {
            return Err(Msg::new(
                format!(
                    "Chưa chọn cột cho trường bắt buộc \"{}\".",
                    field.label(Lang::Vi)
                ),
                format!(
                    "Choose a column for the required field \"{}\".",
                    field.label(Lang::En)
                ),
            ));
        }
    }
    Ok(())
}

/// What the server returns after a file is uploaded: its columns, a sample and a suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub batch_id: i64,
    pub kind: ImportKind,
    pub filename: String,
    pub headers: Vec<String>,
    pub row_count: usize,
    pub sample: Vec<Vec<String>>,
    pub suggested: Vec<Option<ImportField>>,
}

/// A problem with one cell or row. `row` is the spreadsheet row number (the header is row 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: Msg,
}

/// The dry-run result: what would be written, and every problem that prevents it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub total_rows: usize,
    pub valid_rows: usize,
    pub error_count: usize,
    /// The first errors (the list is capped so a broken 10,000-row file stays readable).
    pub errors: Vec<RowError>,
    /// The first rows as they would be stored.
    pub preview: Vec<Vec<String>>,
    pub preview_headers: Vec<String>,
}

/// Largest number of row errors returned in one preview.
pub const MAX_REPORTED_ERRORS: usize = 500;

/// The outcome of a committed import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub inserted: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_map_ignoring_accents_and_case() {
        let headers: Vec<String> = ["Mã thôn", "HỌ TÊN CHỦ HỘ", "Địa chỉ", "Ghi chú"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let m = suggest_mapping(ImportKind::Households, &headers);
        assert_eq!(
            m,
            vec![
                Some(ImportField::VillageCode),
                Some(ImportField::HeadName),
                Some(ImportField::Address),
                None
            ]
        );
        assert!(check_mapping(ImportKind::Households, &m).is_ok());
    }

    fn suggested(kind: ImportKind, header: &str) -> Option<ImportField> {
        suggest_mapping(kind, &[header.to_string()])[0]
    }

    #[test]
    fn headers_without_diacritics_or_with_underscores_map() {
        use ImportField::*;
        for (header, field) in [
            ("ma_thon", VillageCode),
            ("ma thon", VillageCode),
            ("MA_THON", VillageCode),
            ("chu_ho", HeadName),
            ("ho_ten_chu_ho", HeadName),
            ("dia_chi", Address),
            ("so_dien_thoai", Phone),
            ("SĐT", Phone),
            ("ma_ho", HouseholdCode),
            ("thanh_vien", Members),
            ("village_code", VillageCode),
            ("head_name", HeadName),
            ("Mã thôn *", VillageCode),
            ("Địa chỉ:", Address),
        ] {
            assert_eq!(
                suggested(ImportKind::Households, header),
                Some(field),
                "{header}"
            );
        }
    }

    #[test]
    fn english_headers_map() {
        use ImportField::*;
        for (header, field) in [
            ("Village code", VillageCode),
            ("Household code", HouseholdCode),
            ("Head of household", HeadName),
            ("Household head", HeadName),
            ("Address", Address),
            ("Phone", Phone),
            ("Phone number", Phone),
            ("Members", Members),
        ] {
            assert_eq!(
                suggested(ImportKind::Households, header),
                Some(field),
                "{header}"
            );
        }
        for (header, field) in [
            ("Unit code", UnitCode),
            ("Unit name", UnitName),
            ("Level", UnitLevel),
            ("Parent code", ParentCode),
            ("parent_code", ParentCode),
            ("ma_don_vi", UnitCode),
            ("ten_don_vi", UnitName),
        ] {
            assert_eq!(
                suggested(ImportKind::OrgUnits, header),
                Some(field),
                "{header}"
            );
        }
    }

    #[test]
    fn unrelated_headers_stay_unmapped() {
        assert_eq!(suggested(ImportKind::Households, "Ghi chú"), None);
        assert_eq!(suggested(ImportKind::Households, "ghi_chu"), None);
        assert_eq!(header_key("  Mã_Thôn * : "), "ma thon");
    }

    #[test]
    fn missing_required_field_is_reported() {
        let m = vec![Some(ImportField::HeadName)];
        assert!(check_mapping(ImportKind::Households, &m).is_err());
    }
}
