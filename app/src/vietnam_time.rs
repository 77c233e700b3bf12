//! Vietnam time: UTC+7 all year (Vietnam has no daylight saving), and the one place that knows
//! it. Years in the registry, the dates of the title cycle and every time shown are in it, in the
//! browser and on the server alike, so a device set to another zone still shows and checks
//! Vietnam's dates, and a page hydrates with the dates it was rendered with.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

const OFFSET_HOURS: i64 = 7;

/// Now, by this device's clock in the browser or the server's (which checks again with its own).
pub fn now_utc() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Utc::now()
    }
}

/// The wall-clock time in Vietnam at `at`.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(OFFSET_HOURS)).naive_utc()
}

/// Today's date in Vietnam.
pub fn today() -> NaiveDate {
    local(now_utc()).date()
}

/// This year in Vietnam: bounds birth years and is the cycle's default year.
pub fn this_year() -> i32 {
    today().year()
}

/// `at` as officers read it: `29/11/2026 17:05`, Vietnam time.
pub fn format(at: DateTime<Utc>) -> String {
    local(at).format("%d/%m/%Y %H:%M").to_string()
}

/// A calendar date as Vietnamese documents write it: `05/03/2026`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_year_comes_seven_hours_before_it_does_in_utc() {
        let at = DateTime::parse_from_rfc3339("2026-12-31T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local(at).date(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(format(at), "01/01/2027 00:30");
        let before = at - Duration::minutes(31);
        assert_eq!(local(before).year(), 2026);
        assert_eq!(format(before), "31/12/2026 23:59");
    }
}
