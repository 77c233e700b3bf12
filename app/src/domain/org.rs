//! The org-unit tree: province → (district) → commune → village.
//!
//! Depth is data, not code: Vietnam moved from three tiers to two in July 2025, and old years
//! still report on the old tree. Each unit stores a materialised path of ids (`/1/4/17/`) so a
//! subtree is one range query. Paths contain only digits and slashes, so every extension of a
//! path `p` sorts between `p` and `p~` in byte order, on SQLite and on PostgreSQL (`COLLATE "C"`).

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Administrative level of an org unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum OrgLevel {
    /// Tỉnh / thành phố trực thuộc trung ương.
    Province,
    /// Huyện / quận / thị xã (abolished from 01/07/2025, kept for older years).
    District,
    /// Xã / phường / thị trấn.
    Commune,
    /// Thôn / làng / tổ dân phố.
    Village,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 4] = [
        OrgLevel::Province,
        OrgLevel::District,
        OrgLevel::Commune,
        OrgLevel::Village,
    ];

    /// The stable code stored in the database and used in import files.
    pub fn code(self) -> &'static str {
        match self {
            OrgLevel::Province => "tinh",
            OrgLevel::District => "huyen",
            OrgLevel::Commune => "xa",
            OrgLevel::Village => "thon",
        }
    }

    /// Reads a level from a code or a Vietnamese or English word, ignoring accents and case
    /// ("Xã", "xa", "commune", "phường", "Tổ dân phố" all work).
    pub fn parse(input: &str) -> Option<OrgLevel> {
        let key = crate::domain::text::search_key(input);
        Some(match key.as_str() {
            "tinh" | "thanh pho truc thuoc trung uong" | "province" => OrgLevel::Province,
            "huyen" | "quan" | "thi xa" | "thanh pho thuoc tinh" | "district" => OrgLevel::District,
            "xa" | "phuong" | "thi tran" | "dac khu" | "commune" | "ward" => OrgLevel::Commune,
            "thon" | "lang" | "ban" | "to dan pho" | "khu pho" | "village"
            | "residential group" => OrgLevel::Village,
            _ => return None,
        })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OrgLevel::Province => lang.t("Tỉnh", "Province"),
            OrgLevel::District => lang.t("Huyện", "District"),
            OrgLevel::Commune => lang.t("Xã", "Commune"),
            OrgLevel::Village => lang.t("Thôn / tổ dân phố", "Village"),
        }
    }

    /// Whether a unit of level `child` may sit directly under a unit of this level. The district
    /// tier is optional: after the 2025 reform communes hang directly under the province.
    pub fn may_contain(self, child: OrgLevel) -> bool {
        matches!(
            (self, child),
            (OrgLevel::Province, OrgLevel::District | OrgLevel::Commune)
                | (OrgLevel::District, OrgLevel::Commune)
                | (OrgLevel::Commune, OrgLevel::Village)
        )
    }
}

/// An org unit as shown in lists and pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: OrgLevel,
    pub code: String,
    pub name: String,
    pub path: String,
    pub active: bool,
    /// Number of direct children (for the tree browser).
    pub child_count: i64,
    /// Optimistic-locking version: a rename, move or (de)activation names the version it saw.
    pub version: i64,
    /// The first year the unit existed (`None`: before records began).
    pub valid_from: Option<i32>,
    /// The last year it existed (`None`: it still does); a unit that ended was merged or
    /// dissolved into its successors (`org_unit_successions`).
    pub valid_to: Option<i32>,
}

impl OrgUnit {
    /// Whether the unit existed in `year`.
    pub fn exists_in(&self, year: i32) -> bool {
        exists_in(self.valid_from, self.valid_to, year)
    }
}

/// Whether a unit valid from `from` to `to` (open ends: `None`) existed in `year`.
pub fn exists_in(from: Option<i32>, to: Option<i32>, year: i32) -> bool {
    from.is_none_or(|f| f <= year) && to.is_none_or(|t| year <= t)
}

/// True when `path` is `ancestor` or lies below it. Both are materialised paths ending in `/`.
pub fn path_is_within(path: &str, ancestor: &str) -> bool {
    !ancestor.is_empty() && path.starts_with(ancestor)
}

/// The exclusive upper bound for a subtree range query: `path >= p AND path < upper(p)`.
pub fn subtree_upper_bound(path: &str) -> String {
    format!("{path}~")
}

/// Ids along a materialised path, root first: `/1/4/17/` → `[1, 4, 17]`.
pub fn path_ids(path: &str) -> Vec<i64> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The form codes are compared in: trimmed, ASCII lower case. The database's unique index is
/// on `lower(code)`, and every lookup by code (forms, imports, their commit) uses this key, so
/// "51-tb" finds "51-TB" everywhere or nowhere.
pub fn code_key(code: &str) -> String {
    code.trim().to_ascii_lowercase()
}

/// Whether `path` is the path of a top-level unit (`/1/`): an administrator there manages the
/// whole tree, including accounts that belong to no unit yet.
pub fn is_root_path(path: &str) -> bool {
    path_ids(path).len() == 1 && path.starts_with('/') && path.ends_with('/')
}

/// Validates an official code: 1–20 letters, digits, `-`, `_` or `.`.
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_from_words_and_codes() {
        assert_eq!(OrgLevel::parse("Xã"), Some(OrgLevel::Commune));
        assert_eq!(OrgLevel::parse("THỊ TRẤN"), Some(OrgLevel::Commune));
        assert_eq!(OrgLevel::parse("Tổ dân phố"), Some(OrgLevel::Village));
        assert_eq!(OrgLevel::parse("huyen"), Some(OrgLevel::District));
        assert_eq!(OrgLevel::parse("galaxy"), None);
    }

    #[test]
    fn district_tier_is_optional() {
        assert!(OrgLevel::Province.may_contain(OrgLevel::Commune));
        assert!(OrgLevel::District.may_contain(OrgLevel::Commune));
        assert!(!OrgLevel::Village.may_contain(OrgLevel::Village));
        assert!(!OrgLevel::Province.may_contain(OrgLevel::Village));
    }

    #[test]
    fn subtree_bounds_contain_descendants_only() {
        let p = "/1/4/";
        let hi = subtree_upper_bound(p);
        for inside in ["/1/4/", "/1/4/17/", "/1/4/999/3/"] {
            assert!(inside >= p && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/1/40/", "/1/3/", "/1/5/", "/2/"] {
            assert!(!(outside >= p && outside < hi.as_str()), "{outside}");
        }
    }

    #[test]
    fn codes_compare_without_case() {
        assert_eq!(code_key(" 51-TB "), code_key("51-tb"));
        assert_ne!(code_key("51-TB"), code_key("51-TC"));
    }

    #[test]
    fn only_top_level_paths_are_roots() {
        assert!(is_root_path("/1/"));
        assert!(!is_root_path("/1/4/"));
        assert!(!is_root_path("/"));
    }

    #[test]
    fn path_ids_are_root_first() {
        assert_eq!(path_ids("/1/4/17/"), vec![1, 4, 17]);
    }
}
