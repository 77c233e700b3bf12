//! Verification codes: the random code printed (and in the QR code) on a title certificate or
//! a training certificate, which the public /xac-minh page looks up.

/// Letters and digits that cannot be confused when read aloud or typed from paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new code: 12 characters of [`CODE_ALPHABET`], 60 bits, so guessing one is hopeless.
pub fn new_verify_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// A code as typed or scanned, made comparable with the stored ones: upper case, letters and
/// digits only (people add spaces and dashes when copying from paper), at most 32 characters.
pub fn normalize(code: &str) -> String {
    code.trim()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect()
}
