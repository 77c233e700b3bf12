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

/// Whether `c` is invisible and has no place in stored text: control characters (other than
/// the whitespace that [`clean`] folds into spaces), zero-width spaces and joiners, the soft
/// hyphen, the byte-order mark and the bidirectional overrides. Pasted from a web page or a
/// chat message, they make two equal names compare unequal, hide text in exports, or reverse
/// what a reader sees (U+202E).
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c,
            '\u{00AD}'                  // soft hyphen
            | '\u{180E}'                // Mongolian vowel separator (an old zero-width space)
            | '\u{200B}'..='\u{200F}'    // zero-width space, non-joiner, joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}'    // bidirectional embeddings and overrides
            | '\u{2060}'..='\u{2064}'    // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}'    // bidirectional isolates
            | '\u{FEFF}'                // byte-order mark / zero-width no-break space
        )
}

/// Trims, removes invisible characters ([`is_invisible`]), collapses inner runs of whitespace
/// (tabs and line breaks included) to one space and converts to NFC. Used on every name,
/// address and free-text field before it is validated or stored.
pub fn clean(s: &str) -> String {
    // Almost every cell of an import is already clean: one pass to see it, one copy.
    if is_clean(s) {
        return s.to_string();
    }
    let visible: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    let joined = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    nfc(&joined)
}

/// Whether [`clean`] would return `s` unchanged: no invisible characters, no white space but
/// single inner spaces, already NFC (the quick check answers "yes" for most Vietnamese text).
fn is_clean(s: &str) -> bool {
    let mut after_space = true;
    for c in s.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else if is_invisible(c) {
            return false;
        } else {
            after_space = false;
        }
    }
    (s.is_empty() || !after_space)
        && unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// Checks a cleaned person's name: it must contain a letter, and it must not start with `=`,
/// `+`, `-` or `@`, which a spreadsheet opening an export would run as a formula ("CSV
/// injection"). Returns the problem in both languages.
pub fn check_person_name(name: &str) -> Result<(), crate::i18n::Msg> {
    if name.starts_with(['=', '+', '-', '@']) {
        return Err(crate::i18n::Msg::new(
            "Họ tên không được bắt đầu bằng dấu =, +, - hoặc @.",
            "A name cannot start with =, +, - or @.",
        ));
    }
    if !name.is_empty() && !name.chars().any(char::is_alphabetic) {
        return Err(crate::i18n::Msg::new(
            "Họ tên phải có ít nhất một chữ cái.",
            "A name needs at least one letter.",
        ));
    }
    Ok(())
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
        if is_combining_mark(c) || is_invisible(c) {
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
    fn clean_leaves_clean_text_alone_and_fixes_the_rest() {
        for already in ["", "Nguyễn Văn An", "Thôn 3, xã Trà Bình", "a"] {
            assert!(is_clean(already), "{already:?}");
            assert_eq!(clean(already), already);
        }
        let nfd: String = "Nguyễn".nfd().collect();
        for (dirty, cleaned) in [
            (" An", "An"),
            ("An ", "An"),
            ("An  Bình", "An Bình"),
            ("An\tBình", "An Bình"),
            ("An\u{200B}", "An"),
            (nfd.as_str(), "Nguyễn"),
            (" ", ""),
        ] {
            assert!(!is_clean(dirty), "{dirty:?}");
            assert_eq!(clean(dirty), cleaned, "{dirty:?}");
        }
    }

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
    fn clean_removes_zero_width_control_and_bidi_characters() {
        assert_eq!(
            clean("Nguy\u{200B}ễn\u{FEFF} Văn\u{202E} An\u{0007}"),
            "Nguyễn Văn An"
        );
        assert_eq!(clean("Hồ\tThị\r\nLan\u{0000}"), "Hồ Thị Lan");
        assert_eq!(clean("\u{200D}\u{2060}"), "");
        assert_eq!(search_key("Trà\u{200B}Bồng"), "trabong");
    }

    #[test]
    fn person_names_need_a_letter_and_no_formula_start() {
        assert!(check_person_name("Hồ Văn Tâm").is_ok());
        assert!(check_person_name("Đinh Thị Hương-Lan").is_ok());
        for bad in ["=HYPERLINK(\"x\")", "+84 An", "-An", "@An", "123", "..."] {
            assert!(check_person_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_matches_every_word_in_any_order() {
        let key = search_key("Nguyễn Văn An");
        assert!(key_matches(&key, "van nguyen"));
        assert!(key_matches(&key, "NGUYEN"));
        assert!(!key_matches(&key, "nguyen binh"));
    }
}
