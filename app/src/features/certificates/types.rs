//! The certificates' wire types: what a certificate prints, and what the public verification
//! page shows.

use crate::domain::criteria::TitleKind;
use serde::{Deserialize, Serialize};

/// What a certificate prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub registration_id: i64,
    pub subject_name: String,
    /// Village, commune, district, province names (those that exist), nearest first.
    pub area: Vec<String>,
    pub title_kind: TitleKind,
    pub year: i32,
    pub valid_to_year: i32,
    pub decision_number: String,
    pub decision_date: chrono::NaiveDate,
    pub authority: String,
    pub signer: String,
    pub verify_code: String,
    pub verify_url: String,
}

/// What the public verification page shows: the subject, title, year and decision, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecognition {
    pub subject_name: String,
    pub commune: String,
    pub title_kind: TitleKind,
    pub year: i32,
    pub valid_to_year: i32,
    pub recognised: bool,
    pub decision_number: String,
    pub decision_date: chrono::NaiveDate,
    pub authority: String,
}
