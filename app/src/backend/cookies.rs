//! The two cookies this site sets, written and read through the `cookie` crate (the one
//! axum-extra's cookie jar wraps): the session token (`HttpOnly`, see `session`) and the
//! language the reader chose (`lang`, read by the page shell and the exports).

use crate::i18n::Lang;
use axum::http::{header, HeaderMap};
use cookie::{Cookie, SameSite};

/// Name of the language cookie.
pub const LANG_COOKIE: &str = "lang";

/// The value of cookie `name` sent with a request, if any.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value for the whole site, `SameSite=Lax`; kept `max_age_secs` seconds (0
/// removes it).
pub fn write(
    name: &str,
    value: String,
    max_age_secs: i64,
    http_only: bool,
    secure: bool,
) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(http_only)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build()
        .to_string()
}

/// The language the request's cookie asks for (Vietnamese without one).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    read(headers, LANG_COOKIE)
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// The `Set-Cookie` value that keeps `lang` for a year (scripts may read it: not `HttpOnly`).
pub fn lang_cookie(lang: Lang) -> String {
    write(
        LANG_COOKIE,
        lang.tag().to_string(),
        365 * 24 * 3600,
        false,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn the_language_comes_from_its_cookie() {
        assert_eq!(lang_of(&headers("a=1; lang=en; b=2")), Lang::En);
        assert_eq!(lang_of(&headers("a=1")), Lang::Vi);
        assert_eq!(lang_of(&HeaderMap::new()), Lang::Vi);
    }

    #[test]
    fn a_cookie_is_written_for_the_whole_site() {
        let c = lang_cookie(Lang::En);
        assert!(c.starts_with("lang=en"), "{c}");
        assert!(c.contains("Path=/") && c.contains("SameSite=Lax"), "{c}");
        assert!(
            c.contains("Max-Age=31536000") && !c.contains("HttpOnly"),
            "{c}"
        );
        let gone = write("kh_session", String::new(), 0, true, true);
        assert!(
            gone.starts_with("kh_session=;") && gone.contains("Max-Age=0"),
            "{gone}"
        );
        assert!(
            gone.contains("HttpOnly") && gone.contains("Secure"),
            "{gone}"
        );
    }
}
