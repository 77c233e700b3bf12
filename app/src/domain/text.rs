//! Text normalisation for Vietnamese: NFC for storage, and a search key that ignores case and
//! diacritics so "nguyen van" finds "Nguyễn Văn" whether the input arrived as NFC or NFD.
//!
//! The search key is computed here, once, and stored in its own column: the two database
//! engines disagree on how `lower()` and `LIKE` treat Vietnamese letters (see STORAGE.md).

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Returns `s` in Unicode Normalization Form C, the form every stored text uses.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Trims, collapses inner runs of whitespace to one space and converts to NFC.
/// Used on every name, address and free-text field before it is validated or stored.
pub fn clean(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    nfc(&joined)
}

/// The accent- and case-insensitive key used for search: lower case, no combining marks,
/// `đ`/`Đ` folded to `d`, single spaces.
///
/// ```
/// use app::domain::text::search_key;
/// assert_eq!(search_key("  Nguyễn   VĂN Đức "), "nguyen van duc");
/// ```
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_was_space = true;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_was_space {
                out.push(' ');
                last_was_space = true;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            out.push(lower);
        }
        last_was_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// True when `haystack_key` (a stored search key) matches every word of the user's query.
/// Word order does not matter: "van nguyen" still finds "Nguyễn Văn".
pub fn key_matches(haystack_key: &str, query: &str) -> bool {
    let q = search_key(query);
    q.split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| haystack_key.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_key_folds_diacritics_case_and_d_with_stroke() {
        assert_eq!(search_key("Trà Bồng"), "tra bong");
        assert_eq!(search_key("ĐINH THỊ HƯƠNG"), "dinh thi huong");
        assert_eq!(search_key("Hồ Văn Thịnh"), "ho van thinh");
    }

    #[test]
    fn nfd_and_nfc_inputs_give_the_same_key() {
        let nfc_text = "Nguyễn Thị Ánh";
        let nfd_text: String = nfc_text.nfd().collect();
        assert_ne!(
            nfc_text, nfd_text,
            "the test needs two different byte forms"
        );
        assert_eq!(search_key(nfc_text), search_key(&nfd_text));
    }

    #[test]
    fn clean_trims_collapses_and_composes() {
        let nfd_text: String = "  Trà   Xuân ".nfd().collect();
        assert_eq!(clean(&nfd_text), "Trà Xuân");
    }

    #[test]
    fn key_matches_every_word_in_any_order() {
        let key = search_key("Nguyễn Văn An");
        assert!(key_matches(&key, "van nguyen"));
        assert!(key_matches(&key, "NGUYEN"));
        assert!(!key_matches(&key, "nguyen binh"));
    }
}
