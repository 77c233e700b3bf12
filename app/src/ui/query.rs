//! Query strings, read and written through the libraries: a page's parameters are a struct that
//! derives `Params` (leptos_router reads it from the address) and `Serialize` (serde_qs, the
//! encoder Leptos itself uses, writes it back). `None` fields stay out of the address.
//!
//! Every field is a [`Lenient`]: a parameter that is missing, empty (a form's empty date field)
//! or does not parse (`?page=abc`, edited by hand) reads as "not given", and only that one falls
//! back to its default; the others still apply.

use crate::domain::criteria::TitleKind;
use crate::domain::listing::{ListQuery, DEFAULT_PER_PAGE};
use crate::vietnam_time::this_year;
use leptos::Params;
use leptos_router::params::{IntoParam, Params, ParamsError, ParamsMap};
use serde::Serialize;
use std::str::FromStr;

/// `serde_qs::to_string`, or nothing for a value it cannot write (it writes every struct here).
pub fn to_query<T: Serialize>(params: &T) -> String {
    serde_qs::to_string(params).unwrap_or_default()
}

/// One `name=value` pair, percent-encoded (`next=%2Fho-gia-dinh%3Fq%3D...`).
pub fn pair(name: &str, value: &str) -> String {
    to_query(&std::collections::BTreeMap::from([(name, value)]))
}

/// One query parameter: `Some` when it is given and reads as a `T` (spaces around it are
/// ignored), `None` otherwise. Written back as the bare value.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(transparent)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<T> Lenient<T> {
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }
}

impl<T: FromStr> IntoParam for Lenient<T> {
    fn into_param(value: Option<&str>, _name: &str) -> Result<Self, ParamsError> {
        Ok(Lenient(value.and_then(|v| v.trim().parse().ok())))
    }
}

/// The parameters of every registry list: `?unit=…&q=…&sort=…&desc=1&page=…&per=…&all=1`.
#[derive(Params, Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub unit: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub q: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub sort: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub desc: Lenient<u8>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub all: Lenient<u8>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub page: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub per: Lenient<i64>,
}

impl ListParams {
    /// The list query the address asks for (bounded by [`ListQuery::clamped`]).
    pub fn read(params: &ParamsMap) -> ListQuery {
        let p = ListParams::from_map(params).unwrap_or_default();
        ListQuery {
            unit_id: p.unit.0.filter(|id| *id > 0),
            q: p.q.0.unwrap_or_default(),
            sort: p.sort.0.unwrap_or_default(),
            desc: p.desc.0 == Some(1),
            page: p.page.0.unwrap_or(1),
            per_page: p.per.0.unwrap_or(DEFAULT_PER_PAGE),
            include_inactive: p.all.0 == Some(1),
        }
        .clamped()
    }

    /// The address's parameters for `q`; defaults (page 1, the usual page size) are left out.
    pub fn of(q: &ListQuery) -> Self {
        ListParams {
            unit: Lenient(q.unit_id),
            q: Lenient(Some(q.q.clone()).filter(|s| !s.is_empty())),
            sort: Lenient(Some(q.sort.clone()).filter(|s| !s.is_empty())),
            desc: Lenient(q.desc.then_some(1)),
            all: Lenient(q.include_inactive.then_some(1)),
            page: Lenient(Some(q.page).filter(|p| *p > 1)),
            per: Lenient(Some(q.per_page).filter(|p| *p != DEFAULT_PER_PAGE)),
        }
    }
}

/// The parameters of the title-cycle pages: `?year=2026&title=household&unit=12`.
#[derive(Params, Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct CycleParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub year: Lenient<i32>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub title: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    pub unit: Lenient<i64>,
}

/// What [`CycleParams`] ask for, with defaults filled in: a year in 2000–2100 (else this
/// year), a known title (else households), a unit (0 = the caller's whole scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleChoice {
    pub year: i32,
    pub kind: TitleKind,
    pub unit: i64,
}

impl CycleParams {
    pub fn read(params: &ParamsMap) -> CycleChoice {
        let p = CycleParams::from_map(params).unwrap_or_default();
        CycleChoice {
            year: p
                .year
                .0
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(this_year),
            kind: p
                .title
                .0
                .and_then(|t| TitleKind::from_code(&t))
                .unwrap_or(TitleKind::Household),
            unit: p.unit.0.filter(|id| *id > 0).unwrap_or(0),
        }
    }

    pub fn of(choice: CycleChoice) -> Self {
        CycleParams {
            year: Lenient(Some(choice.year)),
            title: Lenient(Some(choice.kind.code().to_string())),
            unit: Lenient(Some(choice.unit).filter(|id| *id > 0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(query: &str) -> ParamsMap {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_list_query_survives_the_address_bar() {
        let q = ListQuery {
            unit_id: Some(7),
            q: "Nguyễn Văn & co".into(),
            sort: "members".into(),
            desc: true,
            page: 3,
            per_page: 50,
            include_inactive: true,
        }
        .clamped();
        let written = to_query(&ListParams::of(&q));
        assert!(!written.contains(' '), "{written}");
        let url = url_of(&written);
        let read: ParamsMap = url.into_iter().collect();
        assert_eq!(ListParams::read(&read), q);
    }

    /// What a browser or the server's router does with a query string (both read it as
    /// form-urlencoded pairs).
    fn url_of(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn a_pair_is_one_encoded_parameter() {
        let written = pair("next", "/ho-gia-dinh?q=Lê Văn&page=2");
        assert_eq!(
            url_of(&written),
            [(
                "next".to_string(),
                "/ho-gia-dinh?q=Lê Văn&page=2".to_string()
            )]
        );
        assert!(
            written.starts_with("next=") && !written.contains(['&', ' ', '?']),
            "{written}"
        );
    }

    #[test]
    fn defaults_stay_out_of_the_address() {
        assert_eq!(to_query(&ListParams::of(&ListQuery::default())), "");
    }

    #[test]
    fn a_cycle_choice_survives_the_address_bar() {
        let choice = CycleChoice {
            year: 2024,
            kind: TitleKind::Clan,
            unit: 12,
        };
        let written = to_query(&CycleParams::of(choice));
        assert_eq!(written, "year=2024&title=clan&unit=12");
        let read: ParamsMap = url_of(&written).into_iter().collect();
        assert_eq!(CycleParams::read(&read), choice);
        let odd = CycleParams::read(&map("year=1890&title=nothing"));
        assert_eq!(
            (odd.year, odd.kind, odd.unit),
            (this_year(), TitleKind::Household, 0)
        );
    }

    #[test]
    fn an_odd_value_falls_back_alone() {
        let q = ListParams::read(&map("unit=5&page=abc&q=lan&desc="));
        assert_eq!(
            (q.unit_id, q.page, q.q.as_str(), q.desc),
            (Some(5), 1, "lan", false)
        );
        let c = CycleParams::read(&map("year= 2024 &title=clan&unit="));
        assert_eq!((c.year, c.kind, c.unit), (2024, TitleKind::Clan, 0));
        let c = CycleParams::read(&map("year=abc&title=clan&unit=12"));
        assert_eq!((c.year, c.kind, c.unit), (this_year(), TitleKind::Clan, 12));
    }
}
