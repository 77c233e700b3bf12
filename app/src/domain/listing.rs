//! Paged, sorted, filtered lists: the query a list page sends and the page it gets back.

use serde::{Deserialize, Serialize};

/// Default and largest page sizes.
pub const DEFAULT_PER_PAGE: i64 = 25;
pub const MAX_PER_PAGE: i64 = 200;

/// A list request. Every list in the registry takes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Restrict to this org unit's subtree (it must lie within the caller's scope).
    pub unit_id: Option<i64>,
    /// Free-text search; accents and case are ignored.
    pub q: String,
    /// A sort key the list understands (unknown keys fall back to the default order).
    pub sort: String,
    pub desc: bool,
    /// 1-based page number.
    pub page: i64,
    pub per_page: i64,
    pub include_inactive: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            unit_id: None,
            q: String::new(),
            sort: String::new(),
            desc: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            include_inactive: false,
        }
    }
}

impl ListQuery {
    /// Page and page size forced into their valid ranges.
    pub fn clamped(mut self) -> Self {
        self.page = self.page.max(1);
        self.per_page = if self.per_page <= 0 {
            DEFAULT_PER_PAGE
        } else {
            self.per_page.min(MAX_PER_PAGE)
        };
        self
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// Search words (search-key form, only letters, digits and a few joiners), for `LIKE`.
    pub fn search_words(&self) -> Vec<String> {
        crate::domain::text::search_key(&self.q)
            .split(' ')
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '/'))
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .take(8)
            .collect()
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Matching records; with `more`, only a lower bound (a search over a very large list
    /// stops counting at the page it shows).
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    #[serde(default)]
    pub more: bool,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> i64 {
        if self.per_page <= 0 {
            1
        } else {
            ((self.total + self.per_page - 1) / self.per_page).max(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_offsets() {
        let q = ListQuery {
            page: 0,
            per_page: 10_000,
            ..Default::default()
        }
        .clamped();
        assert_eq!((q.page, q.per_page, q.offset()), (1, MAX_PER_PAGE, 0));
    }

    #[test]
    fn search_words_strip_like_wildcards() {
        let q = ListQuery {
            q: "Nguyễn 100% _x".into(),
            ..Default::default()
        };
        assert_eq!(q.search_words(), vec!["nguyen", "100", "x"]);
    }

    #[test]
    fn page_count_rounds_up() {
        let p: Page<()> = Page {
            items: vec![],
            total: 51,
            page: 1,
            per_page: 25,
            more: false,
        };
        assert_eq!(p.page_count(), 3);
    }
}
