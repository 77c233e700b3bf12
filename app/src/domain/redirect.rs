//! Where a page may send the browser next: the `next` parameter of the sign-in page and of the
//! language switch. Only a path on this site is accepted, so neither can be turned into an open
//! redirect (a link on our domain that lands on someone else's).

/// `next` when it is a same-origin path, otherwise `None`.
///
/// Browsers are lenient with `Location` and link targets: they drop tabs and line breaks
/// anywhere, read `\` as `/`, and take `//host` as another site. So a path is accepted only when
/// it starts with exactly one `/`, and neither it nor its percent-decoded form (a proxy or a
/// later step may decode it once more) contains control characters, white space or
/// backslashes, or starts with `//`. A scheme (`https:`, `javascript:`) cannot appear because
/// the first character must be `/`.
pub fn safe_next_path(next: &str) -> Option<&str> {
    if is_plain_path(next) && is_plain_path(&percent_decode(next)) {
        Some(next)
    } else {
        None
    }
}

/// [`safe_next_path`], falling back to the home page.
pub fn next_or_home(next: Option<&str>) -> String {
    next.and_then(safe_next_path).unwrap_or("/").to_string()
}

fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// Decodes `%XX` sequences once (invalid sequences stay as they are; bytes that do not form
/// UTF-8 become U+FFFD).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: &u8| (*b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let high = bytes.get(i + 1).and_then(hex);
        let low = bytes.get(i + 2).and_then(hex);
        match (bytes[i], high, low) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits: always below 256.
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept_with_their_query() {
        for path in [
            "/",
            "/ho-gia-dinh",
            "/ho-gia-dinh?q=H%E1%BB%93&page=2",
            "/dong-ho/12/sua",
            "/a/b/../c",
        ] {
            assert_eq!(safe_next_path(path), Some(path), "{path}");
        }
    }

    #[test]
    fn hostile_targets_are_refused() {
        for next in [
            "",
            "ho-gia-dinh",
            "//example.org",
            "///example.org",
            "/\\example.org",
            "\\\\example.org",
            "/\t/example.org",
            "/%09/example.org",
            "/%0d%0a/example.org",
            "/\r\n/example.org",
            "/\n/example.org",
            "/%5Cexample.org",
            "/%2F/example.org",
            "/%2f%2fexample.org",
            "%2F%2Fexample.org",
            "https://example.org",
            "http:/example.org",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            " /ho-gia-dinh",
            "/ho gia dinh",
            "/\u{0}x",
            "/\u{2028}/example.org",
        ] {
            assert_eq!(safe_next_path(next), None, "{next:?} must be refused");
        }
    }

    #[test]
    fn a_refused_or_missing_target_falls_back_to_the_home_page() {
        assert_eq!(next_or_home(None), "/");
        assert_eq!(next_or_home(Some("//example.org")), "/");
        assert_eq!(next_or_home(Some("/dong-ho")), "/dong-ho");
    }

    #[test]
    fn percent_decoding_leaves_broken_sequences_alone() {
        assert_eq!(percent_decode("/a%2"), "/a%2");
        assert_eq!(percent_decode("/a%zz"), "/a%zz");
        assert_eq!(percent_decode("/H%E1%BB%93"), "/Hồ");
    }
}
